/**
 * @module Where research runs execute. {@link BacktestExecutor} is the port: the worker pool
 * spreads runs over threads (one isolate each), the inline executor runs them in a sandbox on
 * this thread (tests, small jobs).
 */
import type { EngineRunResult, PausedSpan } from '../core/engine.ts';
import type { EngineSettings, Feed } from '../core/types.ts';
import { StrategySandbox } from '../sandbox/sandbox.ts';
import type { SandboxLimits } from '../sandbox/sandbox.ts';
import { unpackTrades } from '../sandbox/packed-trades.ts';

/** One backtest to run. */
export interface BacktestJob {
  code: string;
  feeds: readonly Feed[];
  settings: EngineSettings;
  params?: Record<string, unknown>;
  recordSignals?: boolean;
  /** Steps closing at or before this are a live run's warm-up (the parity replay). */
  warmupUntil?: number;
  /** Spans a live run was paused in (the parity replay; `RunOptions.paused`). */
  paused?: ReadonlyArray<PausedSpan>;
  /**
   * Points of the equity curve to bring back (0: every bar). A trial scored by its metrics asks
   * for few: the metrics use every bar where the run happens, and a 200k-bar curve would cost
   * more to carry back from a sandbox process than the run itself.
   */
  equityPoints?: number;
  /** Statistics of the per-bar returns over every step, made where the run happens (SandboxRunOptions). */
  returnStats?: { blocks: number };
  /** Called from the run about every `progressEvery` steps with (bars done, bars in all). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Sandbox limits for this run (the tier's); the executor's own when absent. */
  limits?: SandboxLimits;
  /** False: the run's trades are not brought back (its metrics count them). @default true */
  keepTrades?: boolean;
}

/** What one trial of a batch sets of its job (`BacktestExecutor.runBatch`). */
export type TrialJob = Pick<BacktestJob, 'feeds' | 'settings'> &
  Partial<Pick<BacktestJob, 'params' | 'warmupUntil' | 'equityPoints' | 'returnStats' | 'keepTrades'>>;

/** Trials of one job in a batch at most: a batch holds a lane for all its trials, so the tail stays short. */
export const MAX_TRIAL_BATCH = 16;

/**
 * Trials per batch for `trials` trials over `concurrency` lanes: up to {@link MAX_TRIAL_BATCH},
 * and small enough that each lane still takes ~16 batches, so the lanes end close together.
 */
export function trialBatchSize(trials: number, concurrency: number): number {
  return Math.max(1, Math.min(MAX_TRIAL_BATCH, Math.floor(trials / (Math.max(1, concurrency) * 16))));
}

/** Runs `trials` of `job` as one batch where the executor can, else one run each; results in order. */
export async function runTrials(
  executor: BacktestExecutor,
  job: BacktestJob,
  trials: readonly TrialJob[],
): Promise<EngineRunResult[]> {
  if (executor.runBatch !== undefined && trials.length > 1) return executor.runBatch(job, trials);
  const out: EngineRunResult[] = [];
  for (const trial of trials) out.push(await executor.run({ ...job, ...trial }));
  return out;
}

/** True when a sandbox with `has` limits can run a job that wants `wants`. */
export function sameLimits(has: SandboxLimits, wants: SandboxLimits | undefined): boolean {
  return wants === undefined || (has.memoryMb === wants.memoryMb && has.cpuMs === wants.cpuMs);
}

export interface BacktestExecutor {
  /** How many runs may usefully be in flight at once. */
  readonly concurrency: number;
  run(job: BacktestJob): Promise<EngineRunResult>;
  /**
   * Runs trials of `job` (each changing its window, parameters or capital) as one unit of work:
   * one isolate for them all, each trial loaded afresh with the job's limits to itself. Optional:
   * {@link runTrials} falls back to one `run` per trial.
   */
  runBatch?(job: BacktestJob, trials: readonly TrialJob[]): Promise<EngineRunResult[]>;
  close(): Promise<void>;
}

/** Runs jobs one at a time in a sandbox on this thread. */
export function createInlineExecutor(limits?: Partial<SandboxLimits>): BacktestExecutor {
  let sandbox: StrategySandbox | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** `body` after the runs before it, on a sandbox with the job's limits. */
  const turn = <T>(job: BacktestJob, body: (sandbox: StrategySandbox) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      if (sandbox === undefined || !sandbox.usable || !sameLimits(sandbox.limits, job.limits)) {
        sandbox?.dispose();
        sandbox = new StrategySandbox(job.limits ?? limits);
      }
      return body(sandbox);
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    concurrency: 1,
    run: (job) => turn(job, (s) => s.run(job)),
    runBatch: (job, trials) =>
      turn(job, async (s) => {
        const { limits: _limits, onProgress: _progress, ...base } = job;
        const packed = await s.runPackedTrials(base, trials);
        return packed.map((r) => ({ ...r, trades: unpackTrades(r.trades) }));
      }),
    close() {
      sandbox?.dispose();
      return Promise.resolve();
    },
  };
}

/**
 * Runs every item `items` yields through `fn`, at most `concurrency` in flight, pulling the next
 * item only when a lane is free: a job of a million trials never lists them. The first failure
 * stops the lanes from pulling more and rejects once the runs in flight have ended.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed) {
      const item = iterator.next();
      if (item.done === true) return;
      try {
        await fn(item.value, next++);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, lane));
  const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Runs `items` through `fn` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  await forEachConcurrent(items, Math.min(concurrency, items.length), async (item, i) => {
    out[i] = await fn(item, i);
  });
  return out;
}
