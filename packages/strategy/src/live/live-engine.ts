/**
 * @module The backtest engine driven one candle at a time. A live run is an {@link Engine} — the
 * same strategy contexts, order validation, indicators and core ledger — whose feeds grow as
 * candles close, and whose orders leave through the order desk instead of the engine's own
 * matcher: `advance()` shows a candle to `onCandle` exactly as the backtest's loop does and returns
 * the orders placed and cancelled; fills the venue reports come back through `applyFill()` and
 * are booked with the core ledger, so the strategy's position and cash read as in a backtest.
 *
 * Feeds are fixed-capacity columns (the views keep references to them); when one is full its
 * newer half moves to the front, so `series.at(n)` and indicators over `toArray()` see the latest
 * `capacity / 2` candles at least.
 */
import { TicklineError } from '@tickline/kernel';
import { CANDLE_ROW_WIDTH, FeedView } from '../core/context.ts';
import type { FeedCursor } from '../core/context.ts';
import { checkDefinition, resolveParams } from '../core/definition.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { Engine } from '../core/engine.ts';
import { StrategyContext, InitContext } from '../core/context.ts';
import type { Position } from '../core/ledger.ts';
import type { CandleColumns, EngineSettings, Order, OrderSide } from '../core/types.ts';

/** One closed candle. */
export interface LiveCandle {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /**
   * False while the run's feeds are unhealthy (trading's data-health interlock): the strategy
   * reads it as `ctx.dataHealthy`. @default true
   */
  dataHealthy?: boolean;
}

/**
 * Feed `f` as a step carries it when the run's data is unhealthy: the flag rides in the index's
 * sign (a negative index is `-(f + 1)`), so a step row keeps its width and its numbers.
 */
export function unhealthyFeed(f: number): number {
  return -f - 1;
}

/** A feed of a live run. */
export interface LiveFeed {
  symbol: string;
  interval: string;
}

/** What one `advance()` did. */
export interface LiveStep {
  /** Orders `onCandle` placed, in placement order. */
  placed: Order[];
  /** Engine ids of orders `onCandle` cancelled. */
  cancelled: number[];
}

/** The step of a candle that placed and cancelled nothing (shared: it is never written to). */
export const NO_CHANGE: LiveStep = Object.freeze({
  placed: Object.freeze([]) as unknown as Order[],
  cancelled: Object.freeze([]) as unknown as number[],
});

/** The columns the engine's own (batch) feeds carry: empty, shared, never written (see LiveEngine). */
const NO_COLUMN = new Float64Array(0);
const NO_COLUMNS: CandleColumns = Object.freeze({
  openTime: NO_COLUMN,
  closeTime: NO_COLUMN,
  open: NO_COLUMN,
  high: NO_COLUMN,
  low: NO_COLUMN,
  close: NO_COLUMN,
  volume: NO_COLUMN,
});

/** See the module comment. */
export class LiveEngine extends Engine {
  readonly #definition: StrategyDefinition;
  /**
   * Each feed's candles, a row of CANDLE_ROW_FIELDS each, oldest first: one buffer per feed, so a
   * step writes one row (a cache line or two) instead of one value in each of six arrays — in a
   * cold isolate each array touched is its own miss (docs/benchmarks.md). No `openTime`: no view
   * reads it, and a live engine never runs the batch loop that does.
   */
  readonly #rows: Float64Array[];
  readonly #cursors: FeedCursor[];
  readonly #capacity: number;
  readonly #ctx: StrategyContext;
  /** Each feed's position, by feed index: a step marks it without a look-up by symbol. */
  readonly #positions: Position[];
  #steps = 0;

  constructor(
    definition: StrategyDefinition,
    feeds: readonly LiveFeed[],
    settings: EngineSettings,
    params: Readonly<Record<string, unknown>> | undefined,
    capacity = 1_024,
  ) {
    // The engine's batch feeds stay empty: its views are replaced below by views of the rows.
    super(
      feeds.map((f) => ({ symbol: f.symbol, interval: f.interval, columns: NO_COLUMNS })),
      settings,
    );
    const rows = feeds.map(() => new Float64Array(capacity * CANDLE_ROW_WIDTH));
    this.#rows = rows;
    this.#capacity = capacity;
    // The engine's own cursors belong to its batch loop; a live run moves its own.
    this.#cursors = feeds.map(() => ({ i: -1, dropped: 0 }));
    for (let k = 0; k < feeds.length; k++)
      this.views[k] = new FeedView(
        feeds[k]!.symbol,
        feeds[k]!.interval,
        { rows: rows[k]! },
        this.#cursors[k]!,
      );
    // Made here in feed order, as a backtest's loop makes them: the ledger sums equity over its
    // positions in the order they were made, so both sum in the same order.
    this.#positions = feeds.map((f) => this.ledger.position(f.symbol));
    this.#definition = checkDefinition(definition);
    this.params = Object.freeze(resolveParams(this.#definition.params, params));
    const initial = this.#definition.init?.call(this.#definition, new InitContext(this));
    this.state = initial === undefined ? {} : initial;
    this.#ctx = new StrategyContext(this);
  }

  /** Index of the feed for (symbol, interval), or -1. */
  feedOf(symbol: string, interval: string): number {
    return this.views.findIndex((v) => v.symbol === symbol && v.interval === interval);
  }

  /**
   * Shows a closed candle of feed `f` to the strategy. Fills for the bar should be applied first
   * (the backtest fills resting orders with a bar before the strategy sees it).
   * @throws TicklineError whatever `onCandle` threw (STRATEGY_* coded).
   */
  advance(f: number, candle: LiveCandle): LiveStep {
    return this.advanceBar(
      candle.dataHealthy === false ? unhealthyFeed(f) : f,
      candle.openTime,
      candle.closeTime,
      candle.open,
      candle.high,
      candle.low,
      candle.close,
      candle.volume,
    );
  }

  /**
   * {@link advance} with the candle as numbers: the sandbox passes them as call arguments, which
   * cross into the isolate without a copy of an object. Most steps place and cancel nothing; they
   * return {@link NO_CHANGE} and allocate nothing.
   */
  advanceBar(
    f: number,
    openTime: number,
    closeTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): LiveStep {
    // The sign of the index carries the data-health flag (see unhealthyFeed).
    this.dataHealthy = f >= 0;
    if (f < 0) f = -f - 1;
    const rows = this.#rows[f]!;
    const cursor = this.#cursors[f]!;
    let i = cursor.i + 1;
    if (i >= this.#capacity) {
      const keep = this.#capacity >> 1;
      rows.copyWithin(0, (this.#capacity - keep) * CANDLE_ROW_WIDTH);
      cursor.dropped! += this.#capacity - keep;
      i = keep;
    }
    // In CANDLE_ROW_FIELDS order.
    const o = i * CANDLE_ROW_WIDTH;
    rows[o] = closeTime;
    rows[o + 1] = open;
    rows[o + 2] = high;
    rows[o + 3] = low;
    rows[o + 4] = close;
    rows[o + 5] = volume;
    cursor.i = i;
    this.time = closeTime;
    this.feedIndex = f;
    this.step = this.#steps++;
    this.#positions[f]!.mark = close;
    const openBefore = this.openOrderCount();
    const nextId = this.nextOrderId();
    // Only onCandle changes the open orders during a step, and ids only grow: the same count and
    // next id after it mean nothing was placed or cancelled. Ids are read only when orders are open.
    const before = openBefore === 0 ? undefined : this.openOrderIds();
    if (this.#definition.onCandle.call(this.#definition, this.#ctx) !== undefined) {
      throw new TicklineError(
        'STRATEGY_FORBIDDEN_API',
        'onCandle must not return a value (async handlers are not supported)',
        { details: { api: 'async onCandle' } },
      );
    }
    if (this.nextOrderId() === nextId && this.openOrderCount() === openBefore) return NO_CHANGE;
    const had = new Set(before);
    const after = this.openOrders();
    const ids = new Set(after.map((o) => o.id));
    return {
      placed: after.filter((o) => !had.has(o.id)),
      cancelled: before === undefined ? [] : before.filter((id) => !ids.has(id)),
    };
  }

  /** Books one execution of an order with the core ledger (as the backtest's matcher does). */
  applyFill(
    symbol: string,
    side: OrderSide,
    quantity: number,
    price: number,
    fee: number,
    time: number,
    reason: string,
  ): void {
    this.ledger.fill(this.ledger.position(symbol), side, quantity, price, fee, time, reason, this.step);
  }

  /** Forgets an order the venue finished (filled, cancelled or rejected). */
  orderDone(orderId: number): void {
    this.cancel(orderId);
  }
}
