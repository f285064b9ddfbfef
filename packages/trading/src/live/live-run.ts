/**
 * @module One run's record inside the live runner: its session, its status for the API, and the
 * maps that tie its engine's orders to the desk's client order ids. A module of its own because
 * the runner, the order routing (run-orders.ts), the pauses (run-pause.ts) and the restore
 * (run-restore.ts) all read and write it.
 */
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import type { LiveOrder, LiveSession, LogLine, RecordedFill } from '@tickline/strategy';
import type { CandleInterval } from '@tickline/market';
import { fillIntervals } from './fill-interval.ts';
import type { FeedCandle, LiveRunStatus, LiveStrategySpec } from './live-runner-types.ts';
import type { LiveCheckpoint } from './live-store.ts';

/**
 * Fills a run keeps in memory to rebuild its books when its sandbox session is replaced. A run
 * that booked more is marked {@link LiveRun.fillsTruncated}: its books then come back from the
 * order journal, which holds every execution (run-restore.ts `bookedFills`).
 */
export const MAX_RECORDED_FILLS = 10_000;

/** Log lines kept per run for status. @default 200 (see LiveRunnerOptions.keepLogs) */
export const DEFAULT_KEEP_LOGS = 200;

/** A run the runner owns (see live-runner.ts). */
export interface LiveRun {
  spec: LiveStrategySpec;
  session: LiveSession;
  status: LiveRunStatus;
  /** The run's own equity after its last step (its engine sized percent orders from it). */
  equity: number;
  /** Engine order id ↔ client order id, for fills and cancels. */
  byEngineId: Map<number, string>;
  byClientId: Map<string, LiveOrder>;
  /** Deciding stored candles after its checkpoint: live candles wait for the catch-up. */
  catchingUp: boolean;
  /**
   * Per feed, the close time of the last stored candle it warmed up on (a new run): that candle and
   * older ones offered live are not decided — they were warm-up (run-restore.ts `warmUpNew`).
   */
  warmupEnds?: ReadonlyArray<number | undefined>;
  /** Close time of the last candle whose decision came back (a reopened run resumes after it). */
  decided?: number;
  /**
   * Its counters when its last settled candle (`status.settledCandleTime`) settled: a checkpoint
   * stores the two together, so a run resumed from it counts each candle once.
   */
  settledCounts?: Pick<LiveRunStatus, 'candles' | 'signals'>;
  /** Executions booked in the engine, replayed into a reopened one (its position and cash). */
  fills: RecordedFill[];
  /** `fills` lost its oldest executions to MAX_RECORDED_FILLS: rebuilt books read the journal. */
  fillsTruncated?: true;
  /** Being reopened after its sandbox process was lost. */
  recovering?: boolean;
  /** Order events that came while a new session replaces this run's (applied to the new one). */
  replacing?: OrderLifecycleEvent[];
  /** The strategy's name, for the events its owner reads ("Strategy SMA cross signalled…"). */
  name?: string;
  /**
   * Legs already placed on the candle close time being decided: a run on several feeds decides
   * each feed's candle closing at that time in turn, and their orders must not share an id.
   */
  legs?: { closeTime: number; next: number };
  /** The interval whose bars fill its order of each symbol on paper (fill-interval.ts). */
  fillIntervals: ReadonlyMap<string, CandleInterval>;
}

/** How `LiveRunner.enable` starts a run: stored or not, from where, replacing which. */
export interface EnableOptions {
  persist?: boolean;
  resumeAfter?: number;
  carry?: LiveRun;
  /** A stored run's counters as of its checkpoint (a restart, a takeover), counted on from. */
  counts?: Pick<LiveRunStatus, 'candles' | 'signals'>;
}

/**
 * Close time of the last candle `run` decided: the last answered, else the last claimed (a run
 * started from its checkpoint has answered none yet). A candle claimed but never answered — its
 * process died under it — is not decided.
 */
export function lastDecided(run: LiveRun): number | undefined {
  return run.decided ?? run.status.lastCandleTime;
}

/**
 * `run`'s checkpoint: its last settled candle (decided, its orders at the desk) and its counters
 * then. Not the last claimed candle: a run left behind by its wave (wave-box.ts) has claimed one it
 * has not answered, and a run resumed after that would skip it. None before it settled one.
 */
export function checkpointOf(run: LiveRun): LiveCheckpoint | undefined {
  const atMs = run.status.settledCandleTime;
  return atMs === undefined || run.settledCounts === undefined
    ? undefined
    : { id: run.spec.id, atMs, ...run.settledCounts };
}

/** A new run on `session`, running, with nothing decided yet; it catches up when it resumes. */
export function newRun(
  spec: LiveStrategySpec,
  session: LiveSession,
  resumeAfter: number | undefined,
): LiveRun {
  const status: LiveRunStatus = {
    id: spec.id,
    strategyId: spec.strategyId,
    version: spec.version,
    userId: spec.userId,
    portfolioId: spec.portfolioId,
    state: 'running',
    candles: 0,
    signals: 0,
    lastSignals: [],
    logs: [],
    cpuMs: 0,
    errors: 0,
  };
  return {
    spec,
    session,
    status,
    equity: spec.settings.startingCapital,
    byEngineId: new Map(),
    byClientId: new Map(),
    catchingUp: resumeAfter !== undefined,
    fills: [],
    fillIntervals: fillIntervals(spec.feeds),
  };
}

/** Appends a step's log lines to the run's status, keeping the last `keep`. */
export function keepLogs(run: LiveRun, lines: readonly LogLine[], keep: number): void {
  if (lines.length === 0) return;
  const logs = run.status.logs;
  logs.push(...lines);
  if (logs.length > keep) logs.splice(0, logs.length - keep);
}

/**
 * The feed of `candle` in the run, claimed (its last candle time moved to it) before the strategy
 * runs — a catch-up and the live consumer may offer the same candle; undefined when the run saw
 * it already.
 */
export function claimCandle(run: LiveRun, candle: FeedCandle): number | undefined {
  const f = run.session.feedOf(candle.symbol, candle.interval);
  // Stored before its warm-up read, offered live after it (a consumer behind): warm-up, not news.
  const end = run.warmupEnds?.[f];
  if (end !== undefined && candle.closeTime <= end) return undefined;
  const lastTime = run.status.lastCandleTime;
  if (lastTime !== undefined && candle.closeTime <= lastTime && run.spec.feeds.length === 1) return undefined;
  run.status.lastCandleTime = candle.closeTime;
  return f;
}

/** Whether `run` decides the candles it is offered now; `owns`: the runs this process holds. */
export function decidesNow(run: LiveRun, owns: ((runId: string) => boolean) | undefined): boolean {
  return (
    run.status.state === 'running' &&
    !run.catchingUp &&
    // Reopening: its catch-up decides this candle from the store (asking the lost session would
    // claim it, and the reopened run would start after it).
    !run.recovering &&
    (owns === undefined || owns(run.spec.id))
  );
}
