/**
 * @module The objects a strategy sees: `ctx` with ago-indexed candle series, positions, the
 * portfolio, order calls, `log` and `plot`. State lives in private fields and is read through
 * getters, so the instances can be frozen: a strategy cannot tamper with them, and nothing it can
 * reach shows a candle after the one being handled (series stop at the current bar).
 */
import type { Indicators } from './indicators.ts';
import type { Ledger, Position } from './ledger.ts';
import type { EngineSettings, Order, OrderRequest, OrderSide, ParamValues } from './types.ts';

/** What the views read from and call on the engine (engine.ts implements it). */
export interface Engine {
  readonly settings: EngineSettings;
  readonly ledger: Ledger;
  readonly ta: Indicators;
  readonly views: FeedView[];
  readonly portfolioView: PortfolioView;
  readonly params: ParamValues;
  readonly state: unknown;
  readonly time: number;
  readonly feedIndex: number;
  readonly dataHealthy: boolean;
  /** The views as a frozen list (what `ctx.feeds` hands out: a strategy cannot swap a feed). */
  feedList(): readonly FeedView[];
  positionView(symbol: string): PositionView;
  /** The position view of the current feed's symbol. */
  feedPositionView(): PositionView;
  place(side: OrderSide, request: OrderRequest): number;
  closePosition(symbol: string, reason?: string): number;
  cancel(orderId: number): boolean;
  cancelAll(symbol?: string): number;
  openOrders(): Order[];
  log(args: unknown[]): void;
  plot(name: string, value: number): void;
}

/** The current index of a feed, shared by its series. */
export interface FeedCursor {
  i: number;
  /**
   * Bars dropped from the front of the columns (a live run's feeds keep their latest bars only):
   * `index` counts them, so it is the bar's index in the feed as a backtest over the same candles
   * has it. @default 0
   */
  dropped?: number;
}

/**
 * One column of a feed up to the current bar: `at(0)` is the current bar, `at(1)` the one before.
 * Bar `i`'s value is `col[i * stride + offset]`: a backtest's feeds are columns (stride 1); a live
 * feed keeps its candles as rows of one buffer ({@link CandleRows}), so a step writes one row.
 */
export class Series {
  readonly #col: Float64Array;
  readonly #cur: FeedCursor;
  readonly #offset: number;
  readonly #stride: number;

  constructor(col: Float64Array, cursor: FeedCursor, offset = 0, stride = 1) {
    this.#col = col;
    this.#cur = cursor;
    this.#offset = offset;
    this.#stride = stride;
    Object.freeze(this);
  }

  /**
   * The value `ago` bars back (0 = current, fractions truncated); `NaN` before the first bar and
   * for a negative or non-numeric `ago`.
   */
  at(ago: number): number {
    // Coerced exactly once, then only the number is used: an object whose valueOf answered 0 to
    // the check and -1 to the index read the next bar's close.
    const k = Math.trunc(typeof ago === 'number' ? ago : Number(ago));
    const i = this.#cur.i - k;
    return k >= 0 && i >= 0 ? this.#col[i * this.#stride + this.#offset]! : NaN;
  }

  /** Bars visible so far (current included). */
  get length(): number {
    return this.#cur.i + 1;
  }

  /** A copy of the visible values, oldest first, for the batch indicators. */
  toArray(): Float64Array {
    const n = this.#cur.i + 1;
    const stride = this.#stride;
    if (stride === 1) return this.#col.slice(this.#offset, this.#offset + n);
    const out = new Float64Array(n);
    for (let i = 0, o = this.#offset; i < n; i++, o += stride) out[i] = this.#col[o]!;
    return out;
  }
}

/** The values of a candle in a row of {@link CandleRows}, in this order. */
export const CANDLE_ROW_FIELDS = ['closeTime', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Numbers per candle in {@link CandleRows}. */
export const CANDLE_ROW_WIDTH = CANDLE_ROW_FIELDS.length;

/** A feed's candles as rows of one buffer ({@link CANDLE_ROW_FIELDS} each): a live engine's feeds. */
export interface CandleRows {
  rows: Float64Array;
}

type FeedColumns = Record<'closeTime' | 'open' | 'high' | 'low' | 'close' | 'volume', Float64Array>;

/** A feed as the strategy sees it. */
export class FeedView {
  readonly symbol: string;
  readonly interval: string;
  readonly time: Series;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  readonly #cur: FeedCursor;

  constructor(symbol: string, interval: string, cols: FeedColumns | CandleRows, cursor: FeedCursor) {
    this.symbol = symbol;
    this.interval = interval;
    this.#cur = cursor;
    const series = (name: (typeof CANDLE_ROW_FIELDS)[number]): Series =>
      'rows' in cols
        ? new Series(cols.rows, cursor, CANDLE_ROW_FIELDS.indexOf(name), CANDLE_ROW_WIDTH)
        : new Series(cols[name], cursor);
    this.time = series('closeTime');
    this.open = series('open');
    this.high = series('high');
    this.low = series('low');
    this.close = series('close');
    this.volume = series('volume');
    Object.freeze(this);
  }

  /** Index of the current bar in this feed. */
  get index(): number {
    return this.#cur.i + (this.#cur.dropped ?? 0);
  }
}

/** A read-only view of one symbol's position. */
export class PositionView {
  readonly #symbol: string;
  /** The ledger keeps one Position per symbol for good: read it directly, not by name per bar. */
  readonly #p: Position;

  constructor(engine: Engine, symbol: string) {
    this.#symbol = symbol;
    this.#p = engine.ledger.position(symbol);
    Object.freeze(this);
  }

  get symbol(): string {
    return this.#symbol;
  }
  /** Signed quantity: > 0 long, < 0 short. */
  get qty(): number {
    return this.#p.qty;
  }
  get avgPrice(): number {
    const p = this.#p;
    return p.qty === 0 ? NaN : p.avgPrice;
  }
  get unrealizedPnl(): number {
    const p = this.#p;
    return p.qty === 0 ? 0 : (p.mark - p.avgPrice) * p.qty;
  }
}

/** Cash and equity. */
export class PortfolioView {
  readonly #e: Engine;

  constructor(engine: Engine) {
    this.#e = engine;
    Object.freeze(this);
  }

  get cash(): number {
    return this.#e.ledger.cash;
  }
  /** Cash plus positions marked at their last price. */
  get equity(): number {
    return this.#e.ledger.equity();
  }
  get startingCapital(): number {
    return this.#e.settings.startingCapital;
  }
  get feesPaid(): number {
    return this.#e.ledger.feesPaid;
  }
}

/** What `init` gets: parameters, feeds, indicators, and `log`. */
export class InitContext {
  readonly #e: Engine;

  constructor(engine: Engine) {
    this.#e = engine;
    Object.freeze(this);
  }

  get params(): Readonly<ParamValues> {
    return this.#e.params;
  }
  get feeds(): readonly FeedView[] {
    return this.#e.feedList();
  }
  get ta(): Indicators {
    return this.#e.ta;
  }
  log(...args: unknown[]): void {
    this.#e.log(args);
  }
}

/** What `onCandle` gets, once per closed candle of each feed. */
export class StrategyContext {
  readonly #e: Engine;

  constructor(engine: Engine) {
    this.#e = engine;
    Object.freeze(this);
  }

  /** The close time of the candle being handled (the engine's clock). */
  get time(): number {
    return this.#e.time;
  }
  /**
   * False while the platform holds the run's feeds unhealthy (stale, a gap, a jump past the band):
   * orders that open or grow a position are not placed then, exits are. Always true in a backtest.
   */
  get dataHealthy(): boolean {
    return this.#e.dataHealthy;
  }
  get params(): Readonly<ParamValues> {
    return this.#e.params;
  }
  /** What `init` returned (an empty object without `init`); yours to mutate. */
  get state(): any {
    return this.#e.state;
  }
  get ta(): Indicators {
    return this.#e.ta;
  }
  /** The feed whose candle is being handled. */
  get feed(): FeedView {
    return this.#e.views[this.#e.feedIndex]!;
  }
  get feeds(): readonly FeedView[] {
    return this.#e.feedList();
  }
  get open(): Series {
    return this.#e.views[this.#e.feedIndex]!.open;
  }
  get high(): Series {
    return this.#e.views[this.#e.feedIndex]!.high;
  }
  get low(): Series {
    return this.#e.views[this.#e.feedIndex]!.low;
  }
  get close(): Series {
    return this.#e.views[this.#e.feedIndex]!.close;
  }
  get volume(): Series {
    return this.#e.views[this.#e.feedIndex]!.volume;
  }
  get portfolio(): PortfolioView {
    return this.#e.portfolioView;
  }
  /** The position in `symbol` (default: the current feed's symbol). */
  position(symbol?: string): PositionView {
    return symbol === undefined ? this.#e.feedPositionView() : this.#e.positionView(symbol);
  }
  /** Places a buy order; returns its id. Market orders fill at the next bar's open. */
  buy(request: OrderRequest): number {
    return this.#e.place('buy', request);
  }
  /** Places a sell order; returns its id. */
  sell(request: OrderRequest): number {
    return this.#e.place('sell', request);
  }
  /** Closes the whole position in `symbol` at the next open (market); returns the order id or -1 when flat. */
  closePosition(symbol?: string, reason?: string): number {
    return this.#e.closePosition(symbol ?? this.#e.views[this.#e.feedIndex]!.symbol, reason);
  }
  /** Cancels an open order; false when it already filled or never existed. */
  cancel(orderId: number): boolean {
    return this.#e.cancel(orderId);
  }
  /** Cancels every open order (of `symbol` when given); returns how many. */
  cancelAll(symbol?: string): number {
    return this.#e.cancelAll(symbol);
  }
  /** Copies of the open orders. */
  orders(): Order[] {
    return this.#e.openOrders();
  }
  /** Keeps a line in the run's log (bounded: lines and characters per line). */
  log(...args: unknown[]): void {
    this.#e.log(args);
  }
  /** Adds a point (at the current time) to a named plot series. */
  plot(name: string, value: number): void {
    this.#e.plot(name, value);
  }
}
