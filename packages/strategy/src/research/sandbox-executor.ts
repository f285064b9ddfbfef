/**
 * @module The executor research jobs run on: every trial goes through `runInSandbox`, the one
 * function backtest jobs call, so each trial gets its own isolate with the tier's limits and the
 * sandbox rewrite changes this seam only.
 */
import { runInSandbox, type BacktestRunner, type SandboxLimits } from '../sandbox/sandbox.ts';
import type { BacktestExecutor } from './executor.ts';

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
}

export function createSandboxExecutor(options: SandboxExecutorOptions): BacktestExecutor {
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
    close: () => Promise.resolve(),
  };
}
