/**
 * @module A live run's strategy, as the runner drives it: one closed candle at a time, fills and
 * finished orders booked back, equity for percent orders. The sandbox's session (sandbox/
 * live-processes.ts) runs the {@link LiveEngine} inside its owner's isolate in a sandbox process, as a backtest runs its
 * engine there; {@link hostSession} runs it on this thread, for trusted definitions only (tests).
 */
import type { StrategyDefinition } from '../core/definition.ts';
import type { EngineSettings, LogLine, Order, OrderSide } from '../core/types.ts';
import { type LiveCandle, LiveEngine, type LiveFeed } from './live-engine.ts';
import type { RestoredBooks } from '../sandbox/isolate-live.ts';

/** An order a step placed (the engine's order, as plain data). */
export type LiveOrder = Pick<
  Order,
  'id' | 'symbol' | 'side' | 'type' | 'qty' | 'percent' | 'price' | 'reason'
>;

/** What one step did. */
export interface LiveSessionStep {
  placed: LiveOrder[];
  cancelled: number[];
  logs: LogLine[];
  /** The run's equity after the step (its own books: percent orders are sized from it). */
  equity: number;
  /** CPU time the strategy used on this step, ms. */
  cpuMs: number;
}

/** What a warm-up did: the run's equity after it, the CPU it used, the lines it logged. */
export interface LiveWarmup {
  equity: number;
  cpuMs: number;
  logs: LogLine[];
}

/** Receives a step's outcome, once: the error that stopped it (as `advance` rejects), or the step. */
export type StepAnswer = (error: unknown, step: LiveSessionStep | undefined) => void;

/** A stored candle shown in warm-up or catch-up: its feed's index and the candle. */
export interface IndexedCandle extends LiveCandle {
  k: number;
}

/** See the module comment. */
export interface LiveSession {
  /** Index of the feed for (symbol, interval), or -1. */
  feedOf(symbol: string, interval: string): number;
  /**
   * Shows a closed candle to the strategy. Steps of many sessions asked for in the same turn of the
   * event loop are sent to their sandbox process together (one message per process per candle).
   * @throws TicklineError STRATEGY_* (runtime error, CPU or memory limit…): the run must pause;
   *   SANDBOX_PROCESS_LOST: the process holding the run went away — reopen it (see `onLost`).
   */
  advance(f: number, candle: LiveCandle): Promise<LiveSessionStep>;
  /**
   * `advance` answered through a callback, never in the same turn: a candle close asks thousands
   * of runs, and a promise per run was a good part of the server's work per candle.
   */
  ask?(f: number, candle: LiveCandle, answer: StepAnswer): void;
  /**
   * Shared by the sessions whose steps of a candle are answered together (a sandbox process's step
   * message, in parts): the runner sends their orders to the desk together, in one turn. None:
   * each answer's orders go as it comes.
   */
  readonly answerSource?: object;
  /** Shows stored candles with their orders dropped (indicator warm-up), in one call. */
  warmup(candles: readonly IndexedCandle[]): Promise<LiveWarmup>;
  /**
   * Gives a reopened run what the engine it replaces had booked: its executions (position and cash)
   * and its working orders, with their ids. Indicators and the strategy's own state were rebuilt by
   * the warm-up.
   */
  restore(books: RestoredBooks): Promise<void>;
  applyFill(
    symbol: string,
    side: OrderSide,
    quantity: number,
    price: number,
    fee: number,
    time: number,
    reason: string,
  ): void;
  orderDone(orderId: number): void;
  dispose(): void;
  /** Calls `listener` (once) when the process holding the run is gone: the run must be reopened. */
  onLost?(listener: () => void): void;
}

/** What opening a session needs of a run (a `LiveStrategySpec` is one). */
export interface LiveSessionSpec {
  /** The live run's id. */
  id: string;
  strategyId: string;
  version: number;
  userId: string;
  params: Record<string, unknown>;
  feeds: LiveFeed[];
  settings: EngineSettings;
}

/** What the runner tells a session it opens of the run's history. */
export interface OpenSessionOptions {
  /**
   * The run resumes after a pause for CPU: one overrun right away pauses it again (the sandbox's
   * cpu-strikes.ts). Given by the runner: the session is new, and so may be its process.
   */
  cpuProbation?: boolean;
}

/** Opens a session for a run; `capacity` is the candles each feed keeps. */
export type OpenSession = (
  spec: LiveSessionSpec,
  capacity: number,
  options?: OpenSessionOptions,
) => Promise<LiveSession>;

/** Index of the feed for (symbol, interval) among `feeds`, or -1. */
export function feedIndex(feeds: readonly LiveFeed[], symbol: string, interval: string): number {
  return feeds.findIndex((f) => f.symbol === symbol && f.interval === interval);
}

/** Sessions on this thread for trusted definitions (tests, parity checks). Never for user code. */
export function hostSessions(
  load: (strategyId: string, version: number, userId: string) => Promise<StrategyDefinition>,
): OpenSession {
  return async (spec, capacity) => {
    const engine = new LiveEngine(
      await load(spec.strategyId, spec.version, spec.userId),
      spec.feeds,
      spec.settings,
      spec.params,
      capacity,
    );
    const step = (f: number, candle: LiveCandle, warmup: boolean) => {
      const started = performance.now();
      const s = engine.advance(f, candle);
      if (warmup) engine.cancelAll();
      return {
        placed: warmup ? [] : s.placed,
        cancelled: warmup ? [] : s.cancelled,
        logs: engine.logs.splice(0),
        equity: engine.ledger.equity(),
        cpuMs: performance.now() - started,
      };
    };
    return {
      feedOf: (symbol, interval) => engine.feedOf(symbol, interval),
      advance: async (f, candle) => step(f, candle, false),
      async warmup(candles) {
        const warmup: LiveWarmup = { equity: engine.ledger.equity(), cpuMs: 0, logs: [] };
        for (const c of candles) {
          const s = step(c.k, c, true);
          warmup.equity = s.equity;
          warmup.cpuMs += s.cpuMs;
          warmup.logs.push(...s.logs);
        }
        return warmup;
      },
      async restore(books) {
        for (const f of books.fills) engine.applyFill(...f);
        for (const o of books.orders) engine.restoreOrder({ ...o, type: o.type as 'market' });
      },
      applyFill: (...args) => engine.applyFill(...args),
      orderDone: (id) => engine.orderDone(id),
      dispose() {},
    };
  };
}
