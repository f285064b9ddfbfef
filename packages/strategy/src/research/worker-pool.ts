/**
 * @module A pool of worker threads for research runs (walk-forward grids, look-ahead checks):
 * one isolate per worker, a queue in front. Feed columns should be shared (see shareFeeds), so
 * posting a job copies no candles.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TicklineError } from '@tickline/kernel';
import type { EngineRunResult } from '../core/engine.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox/sandbox.ts';
import type { SandboxLimits } from '../sandbox/sandbox.ts';
import type { WorkerReply, WorkerRequest } from './backtest-worker.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';

export interface WorkerPoolOptions {
  /** @default os.availableParallelism() */
  size?: number;
  limits?: Partial<SandboxLimits>;
}

interface Pending {
  id: number;
  job: BacktestJob;
  resolve: (r: EngineRunResult) => void;
  reject: (e: unknown) => void;
}

/** Starts the workers; `close()` terminates them. */
export function createWorkerPool(options: WorkerPoolOptions = {}): BacktestExecutor {
  const size = Math.max(1, options.size ?? availableParallelism());
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  let nextId = 1;
  let closed = false;

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      // Functions cannot cross threads: progress comes back as messages.
      const { onProgress, ...rest } = job.job;
      worker.postMessage({
        id: job.id,
        job: rest,
        wantsProgress: onProgress !== undefined,
      } satisfies WorkerRequest);
    }
  };

  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(new URL('./backtest-worker.ts', import.meta.url), { workerData: { limits } });
    worker.on('message', (reply: WorkerReply) => {
      const job = busy.get(worker);
      if ('progress' in reply) {
        if (job?.id === reply.id) job.job.onProgress?.(...reply.progress);
        return;
      }
      busy.delete(worker);
      idle.push(worker);
      if (job !== undefined && job.id === reply.id) {
        if (reply.ok) job.resolve(reply.result as EngineRunResult);
        else
          job.reject(
            new TicklineError(reply.error.code, reply.error.message, { details: reply.error.details }),
          );
      }
      dispatch();
    });
    worker.on('error', (error) => {
      const job = busy.get(worker);
      busy.delete(worker);
      job?.reject(new TicklineError('STRATEGY_SANDBOX_FAILED', 'a backtest worker failed', { cause: error }));
    });
    idle.push(worker);
    return worker;
  });

  return {
    concurrency: size,
    run(job) {
      if (closed)
        return Promise.reject(new TicklineError('STRATEGY_RUN_CANCELLED', 'the worker pool is closed'));
      return new Promise<EngineRunResult>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0))
        p.reject(new TicklineError('STRATEGY_RUN_CANCELLED', 'the worker pool closed'));
      for (const p of busy.values())
        p.reject(new TicklineError('STRATEGY_RUN_CANCELLED', 'the worker pool closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
