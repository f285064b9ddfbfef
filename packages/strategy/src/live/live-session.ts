/**
 * @module A live run's strategy, as the runner drives it: one closed candle at a time, fills and
 * finished orders booked back, equity for percent orders. The sandbox's session (sandbox/
 * live-sandbox.ts) runs the {@link LiveEngine} inside the run's isolate, as a backtest runs its
 * engine there; {@link hostSession} runs it on this thread, for trusted definitions only (tests).
 */
import type { StrategyDefinition } from '../core/definition.ts';
import type { EngineSettings, LogLine, Order, OrderSide } from '../core/types.ts';
import { type LiveCandle, LiveEngine, type LiveFeed } from './live-engine.ts';

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

/** See the module comment. */
export interface LiveSession {
  /** Index of the feed for (symbol, interval), or -1. */
  feedOf(symbol: string, interval: string): number;
  /**
   * Shows a closed candle to the strategy; `warmup` drops its orders (history replay).
   * @throws TicklineError STRATEGY_* (runtime error, CPU or memory limit…): the run must pause.
   */
  advance(f: number, candle: LiveCandle, warmup: boolean): Promise<LiveSessionStep>;
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
}

/** What opening a session needs of a run (a `LiveStrategySpec` is one). */
export interface LiveSessionSpec {
  strategyId: string;
  version: number;
  userId: string;
  params: Record<string, unknown>;
  feeds: LiveFeed[];
  settings: EngineSettings;
}

/** Opens a session for a run; `capacity` is the candles each feed keeps. */
export type OpenSession = (spec: LiveSessionSpec, capacity: number) => Promise<LiveSession>;

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
    return {
      feedOf: (symbol, interval) => engine.feedOf(symbol, interval),
      async advance(f, candle, warmup) {
        const started = performance.now();
        const step = engine.advance(f, candle);
        if (warmup) engine.cancelAll();
        return {
          placed: warmup ? [] : step.placed,
          cancelled: warmup ? [] : step.cancelled,
          logs: engine.logs.splice(0),
          equity: engine.ledger.equity(),
          cpuMs: performance.now() - started,
        };
      },
      applyFill: (...args) => engine.applyFill(...args),
      orderDone: (id) => engine.orderDone(id),
      dispose() {},
    };
  };
}
