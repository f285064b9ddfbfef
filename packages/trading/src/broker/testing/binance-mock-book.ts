/**
 * @module The matching and balances behind {@link BinanceSpotMock}: a deliberately small venue.
 * Market orders and marketable limits fill at the last price (taker); resting limits fill at their
 * own price when a trade reaches it (maker); STOP_LOSS orders wait for a trade through their stop
 * and then fill at that trade's price. Commission is charged in the asset received, as Binance does
 * without BNB discounts. Numbers go out as 8-decimal strings, like the venue's.
 */

/** A listed symbol and its filters. */
export interface MockSymbol {
  /** Venue spelling: `BTCUSDT`. */
  symbol: string;
  base: string;
  quote: string;
  lastPrice: number;
  /** LOT_SIZE. */
  stepSize: number;
  minQty: number;
  /** PRICE_FILTER. */
  tickSize: number;
  /** NOTIONAL: quantity × price at least this. */
  minNotional: number;
  /** @default 'TRADING' */
  status?: 'TRADING' | 'BREAK';
}

/** A refusal in the venue's terms. */
export class VenueRefusal extends Error {
  override name = 'VenueRefusal';
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
  }
}

interface MockOrder {
  orderId: number;
  clientOrderId: string;
  symbol: MockSymbol;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT' | 'STOP_LOSS';
  timeInForce: string;
  price: number;
  stopPrice: number;
  origQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: string;
  time: number;
  updateTime: number;
  /** Funds still held for the unfilled part (quote for buys, base for sells). */
  locked: number;
  /** The price buys are locked at. */
  lockPrice: number;
}

interface MockTrade {
  id: number;
  orderId: number;
  symbol: string;
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

const f8 = (n: number): string => n.toFixed(8);
const round8 = (n: number): number => Math.round(n * 1e8) / 1e8;
// A value is on a grid step when it is within float noise of a multiple.
const onGrid = (value: number, step: number): boolean =>
  Math.abs(value / step - Math.round(value / step)) < 1e-6;
const OPEN = new Set(['NEW', 'PARTIALLY_FILLED']);

/** What the book tells its user-data stream: an order's `executionReport` after each change. */
export type MockReportListener = (event: Record<string, unknown>) => void;

export class MockOrderBook {
  /** Set by the mock: every order change as the venue's user-data stream reports it. */
  onReport: MockReportListener | undefined;
  readonly symbols = new Map<string, MockSymbol>();
  readonly balances = new Map<string, { free: number; locked: number }>();
  readonly orders: MockOrder[] = [];
  readonly trades: MockTrade[] = [];
  readonly #rate: number;
  readonly #now: () => number;
  #nextOrderId = 1000;
  #nextTradeId = 5000;

  constructor(
    symbols: MockSymbol[],
    balances: Record<string, number>,
    commissionRate: number,
    now: () => number,
  ) {
    for (const s of symbols) this.symbols.set(s.symbol, { status: 'TRADING', ...s });
    for (const [asset, free] of Object.entries(balances)) this.balances.set(asset, { free, locked: 0 });
    this.#rate = commissionRate;
    this.#now = now;
  }

  #balance(asset: string): { free: number; locked: number } {
    let b = this.balances.get(asset);
    if (!b) this.balances.set(asset, (b = { free: 0, locked: 0 }));
    return b;
  }

  #symbol(name: string | null): MockSymbol {
    const s = name === null ? undefined : this.symbols.get(name);
    if (!s) throw new VenueRefusal(400, -1121, 'Invalid symbol.');
    return s;
  }

  /** `GET /api/v3/exchangeInfo`: the listed symbols (one with `symbol`) and their filters. */
  exchangeInfo(name: string | null): unknown {
    const listed = name === null ? [...this.symbols.values()] : [this.#symbol(name)];
    return {
      timezone: 'UTC',
      serverTime: this.#now(),
      symbols: listed.map((s) => ({
        symbol: s.symbol,
        status: s.status ?? 'TRADING',
        baseAsset: s.base,
        quoteAsset: s.quote,
        orderTypes: ['LIMIT', 'MARKET', 'STOP_LOSS'],
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: f8(s.tickSize),
            maxPrice: '1000000.00000000',
            tickSize: f8(s.tickSize),
          },
          { filterType: 'LOT_SIZE', minQty: f8(s.minQty), maxQty: '9000.00000000', stepSize: f8(s.stepSize) },
          { filterType: 'NOTIONAL', minNotional: f8(s.minNotional), applyMinToMarket: true, avgPriceMins: 5 },
        ],
      })),
    };
  }

  place(params: URLSearchParams): unknown {
    const symbol = this.#symbol(params.get('symbol'));
    if (symbol.status !== 'TRADING') throw new VenueRefusal(400, -2010, 'Market is closed.');
    const side = params.get('side');
    const type = params.get('type');
    if (side !== 'BUY' && side !== 'SELL') throw new VenueRefusal(400, -1117, 'Invalid side.');
    if (type !== 'MARKET' && type !== 'LIMIT' && type !== 'STOP_LOSS')
      throw new VenueRefusal(400, -1116, 'Invalid orderType.');
    const qty = Number(params.get('quantity'));
    const price = Number(params.get('price') ?? 0);
    const stopPrice = Number(params.get('stopPrice') ?? 0);
    const timeInForce = params.get('timeInForce') ?? '';
    if (type === 'LIMIT' && (!timeInForce || !(price > 0))) {
      throw new VenueRefusal(
        400,
        -1102,
        "Mandatory parameter 'price' or 'timeInForce' was not sent, was empty/null, or malformed.",
      );
    }
    if (type === 'STOP_LOSS' && !(stopPrice > 0)) {
      throw new VenueRefusal(
        400,
        -1102,
        "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.",
      );
    }
    if (!(qty >= symbol.minQty) || !onGrid(qty, symbol.stepSize))
      throw new VenueRefusal(400, -1013, 'Filter failure: LOT_SIZE');
    for (const p of [price, stopPrice])
      if (p > 0 && !onGrid(p, symbol.tickSize))
        throw new VenueRefusal(400, -1013, 'Filter failure: PRICE_FILTER');
    const refPrice = type === 'LIMIT' ? price : type === 'STOP_LOSS' ? stopPrice : symbol.lastPrice;
    if (qty * refPrice < symbol.minNotional) throw new VenueRefusal(400, -1013, 'Filter failure: NOTIONAL');
    const clientOrderId = params.get('newClientOrderId') ?? `mock${this.#nextOrderId}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && OPEN.has(o.status))) {
      throw new VenueRefusal(400, -2010, 'Duplicate order sent.');
    }
    if (
      type === 'STOP_LOSS' &&
      (side === 'BUY' ? symbol.lastPrice >= stopPrice : symbol.lastPrice <= stopPrice)
    ) {
      throw new VenueRefusal(400, -2010, 'Stop price would trigger immediately.');
    }
    const lockPrice = type === 'MARKET' ? symbol.lastPrice : refPrice;
    const need = side === 'BUY' ? qty * lockPrice : qty;
    const funds = this.#balance(side === 'BUY' ? symbol.quote : symbol.base);
    if (funds.free + 1e-12 < need)
      throw new VenueRefusal(400, -2010, 'Account has insufficient balance for requested action.');

    const now = this.#now();
    const order: MockOrder = {
      orderId: this.#nextOrderId++,
      clientOrderId,
      symbol,
      side,
      type,
      timeInForce: type === 'LIMIT' ? timeInForce : 'GTC',
      price: type === 'LIMIT' ? price : 0,
      stopPrice,
      origQty: qty,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
      locked: need,
      lockPrice,
    };
    funds.free = round8(funds.free - need);
    funds.locked = round8(funds.locked + need);
    this.orders.push(order);
    this.#report(order, 'NEW');
    const fills: MockTrade[] = [];
    const marketable =
      type === 'MARKET' ||
      (type === 'LIMIT' && (side === 'BUY' ? price >= symbol.lastPrice : price <= symbol.lastPrice));
    if (marketable) fills.push(this.#execute(order, symbol.lastPrice, qty, false));
    else if (type === 'LIMIT' && timeInForce !== 'GTC') this.#close(order, 'EXPIRED');
    return {
      ...this.#view(order),
      transactTime: now,
      fills: fills.map((t) => ({
        price: f8(t.price),
        qty: f8(t.qty),
        commission: f8(t.commission),
        commissionAsset: t.commissionAsset,
        tradeId: t.id,
      })),
    };
  }

  /** A market trade: resting orders it reaches fill, oldest first, up to `quantity` in total. */
  trade(venueSymbol: string, price: number, quantity: number): void {
    const symbol = this.#symbol(venueSymbol);
    symbol.lastPrice = price;
    let available = quantity;
    for (const order of this.orders) {
      if (available <= 0) break;
      if (order.symbol !== symbol || !OPEN.has(order.status)) continue;
      const buy = order.side === 'BUY';
      let at: number | undefined;
      if (order.type === 'LIMIT' && (buy ? price <= order.price : price >= order.price)) at = order.price;
      if (order.type === 'STOP_LOSS' && (buy ? price >= order.stopPrice : price <= order.stopPrice))
        at = price;
      if (at === undefined) continue;
      const qty = Math.min(round8(order.origQty - order.executedQty), available);
      available -= qty;
      this.#execute(order, at, qty, order.type === 'LIMIT');
    }
  }

  #execute(order: MockOrder, price: number, qty: number, maker: boolean): MockTrade {
    const { base, quote } = order.symbol;
    const buy = order.side === 'BUY';
    const release = buy ? qty * order.lockPrice : qty;
    const held = this.#balance(buy ? quote : base);
    held.locked = round8(held.locked - release);
    order.locked = round8(order.locked - release);
    // Pay the actual cost; a stop may fill worse than its lock price, the difference comes from free.
    held.free = round8(held.free + release - (buy ? qty * price : qty));
    const received = this.#balance(buy ? base : quote);
    const gross = buy ? qty : qty * price;
    const commission = round8(gross * this.#rate);
    received.free = round8(received.free + gross - commission);
    order.executedQty = round8(order.executedQty + qty);
    order.cummulativeQuoteQty = round8(order.cummulativeQuoteQty + qty * price);
    order.updateTime = this.#now();
    order.status = order.executedQty >= order.origQty - 1e-12 ? 'FILLED' : 'PARTIALLY_FILLED';
    if (order.status === 'FILLED') this.#close(order, 'FILLED');
    const trade: MockTrade = {
      id: this.#nextTradeId++,
      orderId: order.orderId,
      symbol: order.symbol.symbol,
      price,
      qty,
      commission,
      commissionAsset: buy ? base : quote,
      time: order.updateTime,
      isBuyer: buy,
      isMaker: maker,
    };
    this.trades.push(trade);
    this.#report(order, 'TRADE', trade);
    return trade;
  }

  /** Ends an order and gives back what it still held. */
  #close(order: MockOrder, status: string): void {
    const held = this.#balance(order.side === 'BUY' ? order.symbol.quote : order.symbol.base);
    held.locked = round8(held.locked - order.locked);
    held.free = round8(held.free + order.locked);
    order.locked = 0;
    order.status = status;
    order.updateTime = this.#now();
    // A fill's report already said FILLED; a cancel or an expiry is its own report.
    if (status !== 'FILLED') this.#report(order, status);
  }

  /** Tells the stream about `order` (see Binance's spot API documentation, user data stream, "Order Update"). */
  #report(order: MockOrder, execution: string, trade?: MockTrade): void {
    this.onReport?.({
      e: 'executionReport',
      E: this.#now(),
      s: order.symbol.symbol,
      // A cancel's report names the cancel request in `c` and the cancelled order in `C`.
      c: execution === 'CANCELED' ? `cancel${order.orderId}` : order.clientOrderId,
      C: execution === 'CANCELED' ? order.clientOrderId : '',
      S: order.side,
      o: order.type,
      f: order.timeInForce,
      q: f8(order.origQty),
      p: f8(order.price),
      P: f8(order.stopPrice),
      x: execution,
      X: order.status,
      i: order.orderId,
      l: f8(trade?.qty ?? 0),
      z: f8(order.executedQty),
      L: f8(trade?.price ?? 0),
      n: f8(trade?.commission ?? 0),
      N: trade?.commissionAsset ?? null,
      T: order.updateTime,
      t: trade?.id ?? -1,
      O: order.time,
      Z: f8(order.cummulativeQuoteQty),
    });
  }

  #find(params: URLSearchParams): MockOrder | undefined {
    const symbol = this.#symbol(params.get('symbol'));
    const clientId = params.get('origClientOrderId');
    const orderId = params.get('orderId');
    const matches = this.orders.filter(
      (o) =>
        o.symbol === symbol &&
        (clientId !== null ? o.clientOrderId === clientId : String(o.orderId) === orderId),
    );
    return matches.at(-1);
  }

  query(params: URLSearchParams): unknown {
    const order = this.#find(params);
    if (!order) throw new VenueRefusal(400, -2013, 'Order does not exist.');
    return this.#view(order);
  }

  cancel(params: URLSearchParams): unknown {
    const order = this.#find(params);
    if (!order || !OPEN.has(order.status)) throw new VenueRefusal(400, -2011, 'Unknown order sent.');
    this.#close(order, 'CANCELED');
    const { clientOrderId, ...view } = this.#view(order);
    return {
      ...view,
      origClientOrderId: clientOrderId,
      clientOrderId: params.get('newClientOrderId') ?? `cancel${order.orderId}`,
      transactTime: order.updateTime,
    };
  }

  openOrders(symbol: string | null): unknown {
    const only = symbol === null ? undefined : this.#symbol(symbol);
    return this.orders
      .filter((o) => OPEN.has(o.status) && (only === undefined || o.symbol === only))
      .map((o) => this.#view(o));
  }

  myTrades(params: URLSearchParams): unknown {
    const symbol = this.#symbol(params.get('symbol'));
    const orderId = params.get('orderId');
    return this.trades
      .filter((t) => t.symbol === symbol.symbol && (orderId === null || String(t.orderId) === orderId))
      .map((t) => ({
        ...t,
        price: f8(t.price),
        qty: f8(t.qty),
        quoteQty: f8(t.price * t.qty),
        commission: f8(t.commission),
        isBestMatch: true,
      }));
  }

  account(): unknown {
    return {
      canTrade: true,
      accountType: 'SPOT',
      balances: [...this.balances].map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) })),
    };
  }

  #view(o: MockOrder): { clientOrderId: string } & Record<string, unknown> {
    return {
      symbol: o.symbol.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: f8(o.price),
      origQty: f8(o.origQty),
      executedQty: f8(o.executedQty),
      cummulativeQuoteQty: f8(o.cummulativeQuoteQty),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: f8(o.stopPrice),
      time: o.time,
      updateTime: o.updateTime,
      workingTime: o.time,
    };
  }
}
