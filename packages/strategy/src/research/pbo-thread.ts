/**
 * @module The probability of backtest overfitting, computed on a worker thread. CSCV over a
 * 1,000-set search is C(16, 8) = 12,870 splits × 1,000 trials × 16 blocks: seconds of CPU that,
 * on the server's thread, stalled every request behind it (issue 46 finding 7). The trials'
 * block sums (a few hundred bytes each) are copied over; the answer is the same numbers.
 *
 * The thread is a call like any other: it is stopped when the job's signal ends it (a cancel, the
 * job's wall budget), and one that has not loaded its module within `startMs` is stopped and made
 * again, once. A research job once waited for ever with its trials done (`running`, progress
 * 2/3, on a busy test machine): nothing else of the job was without a deadline.
 */
import { Worker } from 'node:worker_threads';
import { TicklineError } from '@tickline/kernel';
import type { BlockStats, Pbo, PboOptions } from './overfitting.ts';

/** How a search computes its PBO: on this thread (`pboFromBlocks`) or off it (`pboOffThread`). */
export type PboComputer = (
  trials: readonly BlockStats[],
  metric?: PboOptions['metric'],
) => Promise<Pbo | null>;

export interface PboThreadOptions {
  /** Ends the computation: the thread is stopped and the promise rejected with the signal's reason. */
  signal?: AbortSignal;
  /** How long a thread may take to load its module before it is made again (once). @default 30_000 */
  startMs?: number;
  /** The thread's module (tests). @default ./pbo-worker.ts */
  entry?: URL;
}

const PBO_WORKER = new URL('./pbo-worker.ts', import.meta.url);
/** Loading the module takes well under a second; 30 s is a machine far past busy. */
const DEFAULT_START_MS = 30_000;
/** What the thread posts once its module is loaded, before it computes (pbo-worker.ts). */
export const PBO_THREAD_LOADED = 'loaded';

/** {@link pboFromBlocks} on a worker thread of its own, ended when it answers. */
export function pboOffThread(
  trials: readonly BlockStats[],
  metric: PboOptions['metric'] = 'sharpe',
  options: PboThreadOptions = {},
): Promise<Pbo | null> {
  if (trials.length < 2) return Promise.resolve(null);
  return onThread(trials, metric, options).catch((error: unknown) => {
    if (error !== NOT_STARTED) throw error;
    return onThread(trials, metric, options).catch((again: unknown) => {
      if (again !== NOT_STARTED) throw again;
      throw new TicklineError(
        'STRATEGY_SANDBOX_FAILED',
        `the overfitting measure's thread did not start within ${options.startMs ?? DEFAULT_START_MS} ms, twice`,
      );
    });
  });
}

/** Rejects a first attempt that did not load in time (retried once). */
const NOT_STARTED = Symbol('not started');

function onThread(
  trials: readonly BlockStats[],
  metric: string,
  options: PboThreadOptions,
): Promise<Pbo | null> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<Pbo | null>((resolve, reject) => {
    const worker = new Worker(options.entry ?? PBO_WORKER, { workerData: { trials, metric } });
    let loaded = false;
    let settled = false;
    const settle = (end: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(startTimer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      end();
    };
    const startTimer = setTimeout(
      () => settle(() => reject(NOT_STARTED)),
      options.startMs ?? DEFAULT_START_MS,
    );
    const onAbort = (): void => settle(() => reject(signal!.reason as Error));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: Pbo | null | typeof PBO_THREAD_LOADED) => {
      if (message === PBO_THREAD_LOADED && !loaded) {
        loaded = true;
        clearTimeout(startTimer);
        return;
      }
      settle(() => resolve(message as Pbo | null));
    });
    worker.once('error', (error) =>
      settle(() =>
        reject(
          new TicklineError('STRATEGY_SANDBOX_FAILED', 'the overfitting measure failed', { cause: error }),
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          new TicklineError(
            'STRATEGY_SANDBOX_FAILED',
            `the overfitting measure's thread exited with ${code}`,
          ),
        ),
      ),
    );
  });
}
