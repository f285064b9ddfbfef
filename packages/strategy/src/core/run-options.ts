/**
 * @module What a run of the {@link Engine} takes and gives back beside the backtest result: its
 * options (parameters, warm-up, progress, signal recording) and the orders it placed (signals).
 */
import type { ParamValues } from './definition.ts';
import type { ReturnStats } from './return-stats.ts';
import type { BacktestResult, OrderSide } from './types.ts';

/** An order as the strategy placed it, kept for the look-ahead check. */
export interface Signal {
  time: number;
  symbol: string;
  side: OrderSide;
  type: string;
  qty: number;
  percent: number;
  price: number;
  /**
   * The run's equity when the order was placed: percent orders are sized from it the way a live
   * run sizes them (recorded only with `warmupUntil`, for the parity report).
   */
  equity?: number;
}

/** Close times `(after, until]` of candles a paused live run did not decide. */
export interface PausedSpan {
  after: number;
  until: number;
  /**
   * The kill switch paused it: the venue cancelled its working orders then, so none of them fills
   * after `after` (an owner's pause leaves them working).
   */
  cancelled?: boolean;
}

export interface RunOptions {
  params?: Readonly<Record<string, unknown>>;
  /** Keep every placed order in `signals` (the look-ahead check compares them). */
  recordSignals?: boolean;
  /**
   * Steps closing at or before this time are warm-up, as a live run's: the strategy sees them, its
   * orders are dropped after each and none is recorded (the parity replay of a live run).
   */
  warmupUntil?: number;
  /**
   * Spans in which a live run was paused, each `(after, until]` by close time: the strategy sees
   * their candles, but what it places or cancels on them is undone and nothing is recorded — the
   * run's working orders go on filling, as they do at the venue while a run is paused (the parity
   * replay of a run paused and resumed).
   */
  paused?: ReadonlyArray<PausedSpan>;
  /** Called about every `progressEvery` steps with (steps done, steps at most). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Fail with STRATEGY_FORBIDDEN_API when onCandle returns a value (an async handler). */
  synchronousOnly?: boolean;
  /**
   * Allocates the equity curve's two columns (a batch of research trials reuses one pair:
   * isolate-entry.ts).
   */
  allocate?: (length: number) => Float64Array;
}

export interface EngineRunResult extends BacktestResult {
  signals: Signal[];
  rejectedOrders: number;
  params: ParamValues;
  /** Statistics of the run's per-bar returns, when the run was asked for them (research). */
  returnStats?: ReturnStats;
  /**
   * CPU the sandbox process spent on the run (ms), when it ran in one: what a research job's CPU
   * budget counts (research-queue.ts).
   */
  cpuMs?: number;
  /**
   * CPU of the bar loop per candle (ms), when the run was measured in a sandbox: the forecast of a
   * live step's cost (cpu-forecast.ts). Set up and module load are not in it.
   */
  cpuMsPerCandle?: number;
}
