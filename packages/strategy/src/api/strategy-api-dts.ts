/**
 * @module The strategy API's TypeScript declarations, as text the web editor loads (CodeMirror's
 * TypeScript support and the save-time checks read the same string). A test type-checks the
 * example strategies against it and checks that every `ctx` member and indicator it names exists.
 */

/** Declarations for strategy modules: the global `defineStrategy` and everything `ctx` offers. */
export const STRATEGY_API_DTS = `// Tickline strategy API. A strategy module default-exports defineStrategy({ … }).
// Market orders fill at the next bar's open; limit and stop orders when a later bar reaches them.

type ParamSpec =
  | { type: 'int' | 'float'; default: number; min?: number; max?: number; step?: number; description?: string }
  | { type: 'bool'; default: boolean; description?: string }
  | { type: 'enum'; default: string; values: readonly string[]; description?: string };

type ParamValues<P> = {
  readonly [K in keyof P]: P[K] extends { type: 'bool' } ? boolean : P[K] extends { type: 'enum' } ? string : number;
};

/** One column of a feed up to the current bar. */
interface Series {
  /** The value 'ago' bars back (0 = current bar); NaN before the first bar. */
  at(ago: number): number;
  /** Bars visible so far. */
  readonly length: number;
  /** A copy of the visible values, oldest first (for the batch indicators). */
  toArray(): Float64Array;
}

interface FeedView {
  readonly symbol: string;
  readonly interval: string;
  /** Index of the current bar in this feed. */
  readonly index: number;
  /** Close times (epoch ms). */
  readonly time: Series;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
}

interface PositionView {
  readonly symbol: string;
  /** Signed: > 0 long, < 0 short, 0 flat. */
  readonly qty: number;
  /** NaN when flat. */
  readonly avgPrice: number;
  readonly unrealizedPnl: number;
}

interface PortfolioView {
  readonly cash: number;
  /** Cash plus positions marked at their last price. */
  readonly equity: number;
  readonly startingCapital: number;
  readonly feesPaid: number;
}

type OrderType = 'market' | 'limit' | 'stop';

/** Exactly one of qty and percent. */
interface OrderRequest {
  /** Defaults to the symbol of the feed being handled. */
  symbol?: string;
  /** @default 'market' */
  type?: OrderType;
  /** Units of the base asset. */
  qty?: number;
  /** Percent of equity, sized when placed: at the last close, net of the taker fee (backtest and live alike). */
  percent?: number;
  /** Limit or stop price (required for those types). */
  price?: number;
  /** Shown as the trade's entry or exit reason. */
  reason?: string;
}

interface Order {
  readonly id: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: OrderType;
  readonly qty: number;
  readonly percent: number;
  readonly price: number;
  readonly reason: string;
  readonly createdAt: number;
}

interface MacdValue { macd: number; signal: number; histogram: number }
interface BollingerValue { middle: number; upper: number; lower: number }
interface StochasticValue { k: number; d: number }

/** Streams: update() appends a bar, replace() revises the last one; NaN during warm-up. */
interface Indicators {
  sma(values: ArrayLike<number>, period: number): Float64Array;
  ema(values: ArrayLike<number>, period: number): Float64Array;
  wma(values: ArrayLike<number>, period: number): Float64Array;
  rsi(closes: ArrayLike<number>, period?: number): Float64Array;
  macd(closes: ArrayLike<number>, fast?: number, slow?: number, signal?: number): { macd: Float64Array; signal: Float64Array; histogram: Float64Array };
  bollinger(values: ArrayLike<number>, period?: number, k?: number): { middle: Float64Array; upper: Float64Array; lower: Float64Array };
  atr(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period?: number): Float64Array;
  stochastic(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, kPeriod?: number, dPeriod?: number): { k: Float64Array; d: Float64Array };
  vwap(price: ArrayLike<number>, volume: ArrayLike<number>, session?: ArrayLike<number>): Float64Array;
  obv(close: ArrayLike<number>, volume: ArrayLike<number>): Float64Array;
  SmaStream: new (period: number) => { update(value: number): number; replace(value: number): number };
  EmaStream: new (period: number) => { update(value: number): number; replace(value: number): number };
  WmaStream: new (period: number) => { update(value: number): number; replace(value: number): number };
  RsiStream: new (period?: number) => { update(close: number): number; replace(close: number): number };
  MacdStream: new (fast?: number, slow?: number, signal?: number) => { update(close: number): Readonly<MacdValue>; replace(close: number): Readonly<MacdValue> };
  BollingerStream: new (period?: number, k?: number) => { update(value: number): Readonly<BollingerValue>; replace(value: number): Readonly<BollingerValue> };
  AtrStream: new (period?: number) => { update(high: number, low: number, close: number): number; replace(high: number, low: number, close: number): number };
  StochasticStream: new (kPeriod?: number, dPeriod?: number) => {
    update(high: number, low: number, close: number): Readonly<StochasticValue>;
    replace(high: number, low: number, close: number): Readonly<StochasticValue>;
  };
  VwapStream: new () => { update(price: number, volume: number, session?: number): number; replace(price: number, volume: number, session?: number): number };
  ObvStream: new () => { update(close: number, volume: number): number; replace(close: number, volume: number): number };
}

interface InitContext<P> {
  readonly params: ParamValues<P>;
  readonly feeds: readonly FeedView[];
  readonly ta: Indicators;
  log(...args: unknown[]): void;
}

interface StrategyContext<P, S> {
  /** Close time of the candle being handled: the only clock (Date.now() returns it too). */
  readonly time: number;
  /**
   * False while a live run's feeds are unhealthy (stale, gapped, or a jump past the operator's
   * band): entries are not placed then, exits are. Always true in a backtest.
   */
  readonly dataHealthy: boolean;
  readonly params: ParamValues<P>;
  /** What init returned; yours to mutate. */
  readonly state: S;
  readonly ta: Indicators;
  /** The feed whose candle closed. */
  readonly feed: FeedView;
  readonly feeds: readonly FeedView[];
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  readonly portfolio: PortfolioView;
  position(symbol?: string): PositionView;
  /** Returns the order id. */
  buy(request: OrderRequest): number;
  sell(request: OrderRequest): number;
  /** Market order for the whole position; -1 when flat. */
  closePosition(symbol?: string, reason?: string): number;
  cancel(orderId: number): boolean;
  cancelAll(symbol?: string): number;
  orders(): Order[];
  /** Kept in the run's log (bounded). */
  log(...args: unknown[]): void;
  /** A point of a named chart series at the current time (bounded). */
  plot(name: string, value: number): void;
}

interface StrategyDefinition<P extends Record<string, ParamSpec>, S> {
  params?: P;
  init?(ctx: InitContext<P>): S;
  /** Synchronous: called once per closed candle of every feed, oldest first. */
  onCandle(ctx: StrategyContext<P, S>): void;
}

declare function defineStrategy<const P extends Record<string, ParamSpec> = {}, S = Record<string, any>>(
  definition: StrategyDefinition<P, S>,
): StrategyDefinition<P, S>;
`;
