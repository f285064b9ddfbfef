/**
 * @module The executor research jobs run on: every trial goes through `runInSandbox`, the one
 * function backtest jobs call, so each trial gets its own isolate with the tier's limits and the
 * sandbox rewrite changes this seam only.
 */
import {
  runInSandbox,
  type BacktestRunner,
  type SandboxLimits,
  type SandboxRunOptions,
  type TrialVariant,
} from '../sandbox/sandbox.ts';
import type { EngineRunResult } from '../core/engine.ts';
import type { BacktestExecutor } from './executor.ts';

/**
 * Runs a batch of trials somewhere: StrategyProcesses#runTrials (one call to one sandbox process),
 * or a wrapper of it that takes a trial slot and counts the CPU (research-queue.ts).
 */
export type TrialsRunner = (
  base: Omit<SandboxRunOptions, 'onProgress' | 'feeds'>,
  trials: readonly TrialVariant[],
  limits?: Partial<SandboxLimits>,
  tenant?: string,
) => Promise<EngineRunResult[]>;

export interface SandboxExecutorOptions {
  /** The tier's limits when a job names none. */
  limits: SandboxLimits;
  /** Aborts every run in flight and refuses new ones (the job was cancelled). */
  signal?: AbortSignal;
  /** Runs in flight at once. @default 1 */
  concurrency?: number;
  /** Where trials execute: the server's sandbox processes. @default runInSandbox (this process) */
  run?: BacktestRunner;
  /** Whose code the trials run, for the pool's strikes. */
  tenant?: string;
  /** Where batches of trials execute (`BacktestExecutor.runBatch`); none: one `run` per trial. */
  runTrials?: TrialsRunner;
}

export function createSandboxExecutor(options: SandboxExecutorOptions): BacktestExecutor {
  const runTrials = options.runTrials;
  return {
    concurrency: Math.max(1, options.concurrency ?? 1),
    run(job) {
      options.signal?.throwIfAborted();
      const { limits, ...run } = job;
      return (options.run ?? runInSandbox)(
        { ...run, ...(options.signal ? { signal: options.signal } : {}) },
        limits ?? options.limits,
        options.tenant,
      );
    },
    ...(runTrials === undefined
      ? {}
      : {
          runBatch(job, trials) {
            options.signal?.throwIfAborted();
            const { limits, onProgress: _progress, feeds: _feeds, ...base } = job;
            return runTrials(
              { ...base, ...(options.signal ? { signal: options.signal } : {}) },
              trials,
              limits ?? options.limits,
              options.tenant,
            );
          },
        }),
    close: () => Promise.resolve(),
  };
}
