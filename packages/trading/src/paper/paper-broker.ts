/**
 * @module The paper venue: a {@link Broker} whose market is fed bar by bar (closed candles, or
 * live trades as one-price bars) and whose fills come from the backtest's own fill model
 * (`coreFillModel`). It keeps its own account per portfolio, as a venue does, on the same core
 * ledger the portfolio books use, opened from the portfolio's books the first time it is touched.
 *
 * Market orders fill at once at the last price (`marketFill: 'immediate'`), at the next price the
 * venue is shown after accepting them (`'next-price'`: a trade or a 1-second candle's close, what a
 * person placing by hand gets live — see {@link PaperBroker.onPrice}), or, for strategy runs, at
 * the next bar's open (`'next-bar'`), which is what the backtest does — so a live paper run and a
 * backtest over the same candles fill alike.
 * Which bars: an order fills on bars of its fill interval only — a strategy's is the interval of
 * its run's execution feed for the symbol (`origin.fillInterval`, the backtest's rule in strategy
 * `core/execution-feed.ts`), so a 1-second run's order fills at the next 1-second bar as in its
 * backtest; an order that names none (a person's limit or stop) fills on `defaultFillInterval` bars.
 * Funds: a buy holds price × quantity plus the fee of the quote asset, a sell holds the base
 * quantity; spot only, no shorting. A resting order that the cash cannot cover when it fills
 * takes what the cash buys and the rest is cancelled.
 */
import type { Balance, OpenOrdersQuery, OrderRef } from '../broker/broker.ts';
import { BrokerError } from '../broker/errors.ts';
import type { OrderFilledData } from '../broker/events.ts';
import { isFinalStatus, type Order, type PlaceOrderRequest, rejectedOrder } from '../broker/order.ts';
import type { PaperBar, PaperBroker, PaperBrokerOptions } from '../broker/paper/paper-ports.ts';
import { CorePortfolioLedger, symbolAssets } from '../portfolio/portfolio-ledger.ts';
import { marketOpenAt, shareOrderProblem, type CalendarOf, type ClosedMarketPolicy } from './market-hours.ts';

/** The venue name in order events (`broker/paper`). */
export const PAPER_VENUE = 'paper';

export type MarketFill = 'immediate' | 'next-price' | 'next-bar';

/** Options of {@link createPaperBroker} beyond the port's. */
export interface CreatePaperBrokerOptions extends PaperBrokerOptions {
  /**
   * When market orders fill: at once at the last price, at the next price shown after acceptance
   * (`onPrice`), or at the next bar's open — for every order, or chosen per order (a person's at
   * the next price, a strategy's as its backtest). @default 'immediate'
   */
  marketFill?: MarketFill | ((request: PlaceOrderRequest) => MarketFill);
  /** Epoch ms now, for order times. @default Date.now */
  now?: () => number;
  /**
   * Orders whose funds are checked when they fill, not when placed — the backtest's rule, so a
   * strategy may place a protective stop in the same candle as the buy it protects. Such an order
   * fills what the cash (buy) or the position (sell) covers at that moment and the rest is
   * cancelled. @default none: every order holds its funds from placement, as a venue does
   */
  fundsAtFill?: (request: PlaceOrderRequest) => boolean;
  /**
   * The interval whose bars fill orders that name no fill interval of their own (see
   * `OrderOrigin`): a person's limits and stops, and strategy orders journalled before orders
   * carried one. @default '1m'
   */
  defaultFillInterval?: string;
  /**
   * Working orders that bars and prices pass over for now: a live run catching up on candles that
   * closed while its process was down fills its own orders with those stored bars, one by one
   * (`onPastBar`), as they would have filled then; the live bar meanwhile is later than the bar
   * they are owed. @default none
   */
  held?: (order: Order) => boolean;
  /**
   * A share order (`AAPL.US`) placed while its exchange is closed: refused as `market_closed`, or
   * kept working until the session opens (a market order then fills at the session's first price).
   * Crypto pairs always trade. @default 'refuse'
   */
  closedMarket?: ClosedMarketPolicy;
  /** A symbol's exchange calendar. @default calendarOfSymbol (US and KRX shares; null for crypto) */
  calendarOf?: CalendarOf;
}

/** Quantities below this are rounding left by percent sizing, not something to fill. */
const DUST = 1e-12;

class PaperVenue implements PaperBroker {
  readonly venue = PAPER_VENUE;
  readonly #o: CreatePaperBrokerOptions;
  readonly #now: () => number;
  readonly #books = new CorePortfolioLedger();
  readonly #orders = new Map<string, Order>();
  /** Keys of working orders, oldest first: bars fill in placement order. */
  #working: string[] = [];
  readonly #last = new Map<string, number>();
  /** Orders whose funds are checked at fill only (see `fundsAtFill`); they hold nothing. */
  readonly #deferred = new Set<string>();
  /** Market orders waiting for the next price (`'next-price'`); bars skip them. */
  readonly #prompt = new Set<string>();
  #seq = 0;

  readonly #defaultFillInterval: string;

  constructor(options: CreatePaperBrokerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#defaultFillInterval = options.defaultFillInterval ?? '1m';
  }

  /** The interval whose bars fill `order`: its run's execution feed (a force exit's too), or the venue's default. */
  #fillInterval(order: Order): string {
    const origin = order.origin;
    return origin?.fillInterval ?? this.#defaultFillInterval;
  }

  #key(portfolioId: string, clientOrderId: string): string {
    return `${portfolioId}\u0000${clientOrderId}`;
  }

  /** The venue account, opened from the portfolio's books on first use. */
  #open(portfolioId: string): void {
    if (this.#books.has(portfolioId)) return;
    const positions = [];
    for (const symbol of this.#o.symbols) {
      const p = this.#o.ledger.position(portfolioId, symbol);
      if (p !== undefined && p.quantity !== 0)
        positions.push({ symbol, quantity: p.quantity, averagePrice: p.averagePrice });
    }
    this.#books.open(portfolioId, this.#o.ledger.cash(portfolioId), positions);
  }

  #lastPrice(symbol: string): number | undefined {
    return this.#last.get(symbol) ?? this.#o.lastPrice(symbol);
  }

  /** Quote held by working buys and base held by working sells of a portfolio. */
  #held(portfolioId: string): Map<string, number> {
    const held = new Map<string, number>();
    for (const key of this.#working) {
      const o = this.#orders.get(key)!;
      if (o.portfolioId !== portfolioId || this.#deferred.has(key)) continue;
      const remaining = o.quantity - o.filledQuantity;
      const { base, quote } = symbolAssets(o.symbol);
      if (o.side === 'sell') held.set(base, (held.get(base) ?? 0) + remaining);
      else {
        const price = o.price ?? this.#lastPrice(o.symbol) ?? 0;
        const notional = remaining * price;
        held.set(quote, (held.get(quote) ?? 0) + notional + this.#o.fillModel.fee(o.type, notional));
      }
    }
    return held;
  }

  #free(portfolioId: string, asset: string, symbol: string, held: Map<string, number>): number {
    const { base } = symbolAssets(symbol);
    const total =
      asset === base
        ? (this.#books.position(portfolioId, symbol)?.quantity ?? 0)
        : this.#books.cash(portfolioId);
    return total - (held.get(asset) ?? 0);
  }

  async place(request: PlaceOrderRequest): Promise<Order> {
    const key = this.#key(request.portfolioId, request.clientOrderId);
    const existing = this.#orders.get(key);
    if (existing) return existing;
    const now = this.#now();
    if (!this.#o.symbols.has(request.symbol))
      return rejectedOrder(request, 'unknown_symbol', `${request.symbol} is not traded on paper`, now);
    const share = shareOrderProblem(request, now, this.#o.calendarOf);
    const queued = share?.reason === 'market_closed' && this.#o.closedMarket === 'queue';
    if (share && !queued) return rejectedOrder(request, share.reason, share.detail, now);
    this.#open(request.portfolioId);
    const last = this.#lastPrice(request.symbol);
    const price = request.price ?? last;
    if (price === undefined)
      return rejectedOrder(request, 'market_closed', `no price for ${request.symbol} yet`, now);
    const { base, quote } = symbolAssets(request.symbol);
    const held = this.#held(request.portfolioId);
    const deferred = this.#o.fundsAtFill?.(request) === true;
    if (deferred) this.#deferred.add(key);
    else if (request.side === 'sell') {
      const free = this.#free(request.portfolioId, base, request.symbol, held);
      if (request.quantity > free + DUST)
        return rejectedOrder(request, 'insufficient_funds', `${free} ${base} free to sell`, now);
    } else {
      const notional = request.quantity * price;
      const cost = notional + this.#o.fillModel.fee(request.type, notional);
      const free = this.#free(request.portfolioId, quote, request.symbol, held);
      if (cost > free + DUST)
        return rejectedOrder(request, 'insufficient_funds', `${free} ${quote} free, ${cost} needed`, now);
    }
    const order: Order = {
      portfolioId: request.portfolioId,
      clientOrderId: request.clientOrderId,
      venueOrderId: `P${++this.#seq}`,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      ...(request.price === undefined ? {} : { price: request.price }),
      timeInForce: request.timeInForce,
      status: 'new',
      filledQuantity: 0,
      filledQuote: 0,
      fills: [],
      origin: request.origin,
      createdAt: now,
      updatedAt: now,
    };
    this.#orders.set(key, order);
    this.#working.push(key);
    const fill = this.#marketFill(request);
    // Queued while closed: an immediate order waits for the first price of the session instead.
    if (fill === 'next-price' || (queued && fill === 'immediate')) this.#prompt.add(key);
    else if (fill === 'immediate' && last !== undefined) {
      const bar = {
        symbol: request.symbol,
        open: last,
        high: last,
        low: last,
        close: last,
        volume: Infinity,
        time: now,
      };
      this.#fillOn(key, bar, { left: Infinity });
      this.#working = this.#working.filter((k) => !isFinalStatus(this.#orders.get(k)!.status));
    }
    return this.#orders.get(key)!;
  }

  /** How a market order fills; undefined for limit and stop orders (they rest until crossed). */
  #marketFill(request: PlaceOrderRequest): MarketFill | undefined {
    if (request.type !== 'market') return undefined;
    const fill = this.#o.marketFill;
    return typeof fill === 'function' ? fill(request) : (fill ?? 'immediate');
  }

  async cancel(ref: OrderRef): Promise<Order> {
    const key = this.#key(ref.portfolioId, ref.clientOrderId);
    const order = this.#orders.get(key);
    if (order === undefined)
      throw new BrokerError('STRATEGY_BROKER_ORDER_NOT_FOUND', `no paper order ${ref.clientOrderId}`);
    if (isFinalStatus(order.status)) return order;
    const cancelled: Order = { ...order, status: 'cancelled', updatedAt: this.#now() };
    this.#orders.set(key, cancelled);
    this.#working = this.#working.filter((k) => k !== key);
    this.#prompt.delete(key);
    return cancelled;
  }

  async order(ref: OrderRef): Promise<Order | undefined> {
    return this.#orders.get(this.#key(ref.portfolioId, ref.clientOrderId));
  }

  async openOrders(query: OpenOrdersQuery): Promise<Order[]> {
    const out: Order[] = [];
    for (const key of this.#working) {
      const o = this.#orders.get(key)!;
      if (o.portfolioId === query.portfolioId && (query.symbol === undefined || o.symbol === query.symbol))
        out.push(o);
    }
    return out;
  }

  async balances(portfolioId: string): Promise<Balance[]> {
    this.#open(portfolioId);
    const held = this.#held(portfolioId);
    const totals = new Map<string, number>();
    let quoteAsset: string | undefined;
    for (const symbol of this.#o.symbols) {
      const { base, quote } = symbolAssets(symbol);
      quoteAsset ??= quote;
      const quantity = this.#books.position(portfolioId, symbol)?.quantity ?? 0;
      if (quantity !== 0) totals.set(base, quantity);
    }
    if (quoteAsset !== undefined) totals.set(quoteAsset, this.#books.cash(portfolioId));
    const out: Balance[] = [];
    for (const [asset, total] of totals) {
      const locked = held.get(asset) ?? 0;
      if (total !== 0 || locked !== 0) out.push({ asset, free: total - locked, locked });
    }
    return out;
  }

  adopt(order: Order): boolean {
    const key = this.#key(order.portfolioId, order.clientOrderId);
    if (this.#orders.has(key) || isFinalStatus(order.status) || order.venueOrderId === undefined)
      return false;
    this.#open(order.portfolioId);
    this.#orders.set(key, order);
    this.#working.push(key);
    // The rule it was placed under: a strategy's order has its funds checked when it fills.
    const { portfolioId, clientOrderId, symbol, side, type, quantity, price, timeInForce } = order;
    const request = { portfolioId, clientOrderId, symbol, side, type, quantity, timeInForce };
    if (order.origin !== undefined) {
      const placed = { ...request, ...(price === undefined ? {} : { price }), origin: order.origin };
      if (this.#o.fundsAtFill?.(placed) === true) this.#deferred.add(key);
      if (this.#marketFill(placed) === 'next-price') this.#prompt.add(key);
    }
    // New venue ids of this venue must not repeat an adopted one's.
    const n = /^P(\d+)$/.exec(order.venueOrderId)?.[1];
    if (n !== undefined) this.#seq = Math.max(this.#seq, Number(n));
    return true;
  }

  async onBar(bar: PaperBar): Promise<Order[]> {
    this.#last.set(bar.symbol, bar.close);
    const held = this.#o.held;
    return this.#fillBar(bar, held === undefined ? undefined : (order) => !held(order));
  }

  async onPastBar(bar: PaperBar, select: (order: Order) => boolean): Promise<Order[]> {
    return this.#fillBar(bar, select);
  }

  /** Fills the working orders of the bar's symbol and interval that `select` picks (all: none). */
  #fillBar(bar: PaperBar, select: ((order: Order) => boolean) | undefined): Order[] {
    const changed: Order[] = [];
    const volume = { left: bar.volume };
    for (const key of this.#working) {
      const before = this.#orders.get(key)!;
      if (
        before.symbol !== bar.symbol ||
        this.#prompt.has(key) ||
        this.#fillInterval(before) !== bar.interval ||
        notAfterItsCandle(before, bar) ||
        (select !== undefined && !select(before))
      )
        continue;
      if (this.#fillOn(key, bar, volume)) changed.push(this.#orders.get(key)!);
    }
    this.#settle(changed);
    return changed;
  }

  awaitsPrice(symbol: string): boolean {
    for (const key of this.#prompt) if (this.#orders.get(key)!.symbol === symbol) return true;
    return false;
  }

  async onPrice(symbol: string, price: number, time: number): Promise<Order[]> {
    this.#last.set(symbol, price);
    const changed: Order[] = [];
    // A pre- or after-hours print does not fill orders waiting for the session.
    if (this.#prompt.size === 0 || !marketOpenAt(symbol, time, this.#o.calendarOf)) return changed;
    // One price, no range: the fill model's slippage is clamped to it, as for an immediate fill.
    const bar = { symbol, open: price, high: price, low: price, close: price, volume: Infinity, time };
    const volume = { left: Infinity };
    const held = this.#o.held;
    for (const key of this.#working) {
      const order = this.#orders.get(key)!;
      if (!this.#prompt.has(key) || order.symbol !== symbol || held?.(order) === true) continue;
      if (this.#fillOn(key, bar, volume)) changed.push(this.#orders.get(key)!);
    }
    this.#settle(changed);
    return changed;
  }

  /** Drops orders that became final from the working list and the prompt set. */
  #settle(changed: readonly Order[]): void {
    if (changed.length === 0) return;
    this.#working = this.#working.filter((k) => {
      if (!isFinalStatus(this.#orders.get(k)!.status)) return true;
      this.#prompt.delete(k);
      return false;
    });
  }

  /** Fills one working order on a bar as the backtest engine would; true when it changed. */
  #fillOn(key: string, bar: Omit<PaperBar, 'interval'>, volume: { left: number }): boolean {
    const order = this.#orders.get(key)!;
    const model = this.#o.fillModel;
    const { open, high, low } = bar;
    let price: number;
    if (order.type === 'market') price = model.slipped(order.side, open, high, low);
    else {
      price = model.crossingPrice(
        { side: order.side, type: order.type, price: order.price! },
        open,
        high,
        low,
      );
      if (price !== price) return false;
      if (order.type === 'stop') price = model.slipped(order.side, price, high, low);
    }
    const remaining = order.quantity - order.filledQuantity;
    let quantity = Math.min(remaining, volume.left);
    // Funds at the fill price: what the account holds, less what other orders hold (a deferred
    // order takes its own share of the holds back, having none).
    const { base, quote } = symbolAssets(order.symbol);
    const held = this.#deferred.has(key) ? new Map<string, number>() : this.#held(order.portfolioId);
    const mine = order.side === 'sell' && !this.#deferred.has(key) ? remaining : 0;
    if (order.side === 'sell') {
      const free = this.#free(order.portfolioId, base, order.symbol, held) + mine;
      if (quantity > free) quantity = Math.max(0, free);
    } else {
      const reference = remaining * (order.price ?? this.#lastPrice(order.symbol) ?? 0);
      const holdOfThis = this.#deferred.has(key) ? 0 : reference + model.fee(order.type, reference);
      const free = this.#free(order.portfolioId, quote, order.symbol, held) + holdOfThis;
      const affordable = free / (price + model.fee(order.type, price));
      if (quantity > affordable) quantity = Math.max(0, affordable);
    }
    const now = bar.time;
    if (!(quantity > DUST)) {
      if (volume.left <= DUST) return false;
      // Nothing affordable: the order cannot fill and is cancelled, as the backtest drops it.
      this.#orders.set(key, {
        ...order,
        status: 'cancelled',
        detail: 'insufficient funds at fill',
        updatedAt: now,
      });
      return true;
    }
    volume.left -= quantity;
    const notional = quantity * price;
    const fee = model.fee(order.type, notional);
    const fill = {
      tradeId: `${order.venueOrderId}-${order.fills.length + 1}`,
      price,
      quantity,
      fee,
      feeAsset: quote,
      time: now,
    };
    const filledQuantity = order.filledQuantity + quantity;
    const done = filledQuantity >= order.quantity - DUST;
    const cashShort = !done && quantity < Math.min(remaining, volume.left + quantity) - DUST;
    const next: Order = {
      ...order,
      status: done ? 'filled' : cashShort ? 'cancelled' : 'partially_filled',
      ...(cashShort ? { detail: 'insufficient funds for the rest' } : {}),
      filledQuantity,
      filledQuote: order.filledQuote + notional,
      fills: [...order.fills, fill],
      updatedAt: now,
    };
    this.#orders.set(key, next);
    this.#books.applyFill(paperFillData(next, fill));
    return true;
  }
}

/** The `order.filled` data of one paper execution (for the venue's own books). */
function paperFillData(order: Order, fill: Order['fills'][number]): OrderFilledData {
  return {
    portfolioId: order.portfolioId,
    clientOrderId: order.clientOrderId,
    venue: PAPER_VENUE,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    timeInForce: order.timeInForce,
    fill,
    filledQuantity: order.filledQuantity,
    remainingQuantity: order.quantity - order.filledQuantity,
    averagePrice: order.filledQuote / order.filledQuantity,
    partial: order.status !== 'filled',
  };
}

/** A paper broker; see the module comment. */
export function createPaperBroker(options: CreatePaperBrokerOptions): PaperBroker {
  return new PaperVenue(options);
}

/**
 * A strategy's order fills from the bar after the candle it was decided on, never on that candle
 * or an earlier one: a bar the venue handles late (a run catching up after a restart decides the
 * candle before the venue's live turn for it reaches its orders) must not fill with prices the
 * decision already saw.
 */
function notAfterItsCandle(order: Order, bar: PaperBar): boolean {
  return order.origin?.kind === 'strategy' && bar.time < order.origin.candleCloseTime;
}
