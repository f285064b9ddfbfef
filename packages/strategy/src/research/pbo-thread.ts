/**
 * @module The probability of backtest overfitting, computed on a worker thread. CSCV over a
 * 1,000-set search is C(16, 8) = 12,870 splits × 1,000 trials × 16 blocks: seconds of CPU that,
 * on the server's thread, stalled every request behind it (issue 46 finding 7). The trials'
 * block sums (a few hundred bytes each) are copied over; the answer is the same numbers.
 *
 * The thread is a call like any other: it is stopped when the job's signal ends it (a cancel, the
 * job's wall budget). A thread that has not loaded its module within `startMs` is stopped, and the
 * PBO is computed on the caller's thread instead, in slices of a few milliseconds between which
 * its event loop turns: slower to finish on a machine with a core to spare, but it finishes. A
 * search once sat `running`, progress 2/3, for ever in a busy test process, its trials done: this
 * thread was the only wait of that path without a deadline (not shown to be the cause). A thread
 * loads in 1.2–1.6 s beside a loaded full run.
 */
import { Worker } from 'node:worker_threads';
import { TicklineError } from '@tickline/kernel';
import { pboSplits, type BlockStats, type Pbo, type PboOptions } from './overfitting.ts';

/** How a search computes its PBO: on this thread (`pboFromBlocks`) or off it (`pboOffThread`). */
export type PboComputer = (
  trials: readonly BlockStats[],
  metric?: PboOptions['metric'],
) => Promise<Pbo | null>;

export interface PboThreadOptions {
  /** Ends the computation: the thread is stopped and the promise rejected with the signal's reason. */
  signal?: AbortSignal;
  /** How long a thread may take to load its module before the work moves to this thread. @default 15_000 */
  startMs?: number;
  /** The thread's module (tests). @default ./pbo-worker.ts */
  entry?: URL;
}

const PBO_WORKER = new URL('./pbo-worker.ts', import.meta.url);
/** Loading the module takes 1–2 s on a busy machine; 15 s is one that will not. */
const DEFAULT_START_MS = 15_000;
/** A slice of the work on this thread, between turns of its event loop. */
const SLICE_MS = 5;
/** What the thread posts once its module is loaded, before it computes (pbo-worker.ts). */
const PBO_THREAD_LOADED = 'loaded';

/** {@link pboFromBlocks} on a worker thread of its own, ended when it answers. */
export function pboOffThread(
  trials: readonly BlockStats[],
  metric: PboOptions['metric'] = 'sharpe',
  options: PboThreadOptions = {},
): Promise<Pbo | null> {
  if (trials.length < 2) return Promise.resolve(null);
  return onThread(trials, metric, options).catch((error: unknown) => {
    if (error !== NOT_STARTED) throw error;
    return pboInSlices(trials, metric, options.signal);
  });
}

/**
 * {@link pboFromBlocks} on this thread, a few milliseconds of splits at a time, the event loop
 * turning between them; the signal stops it between two slices.
 */
export async function pboInSlices(
  trials: readonly BlockStats[],
  metric: PboOptions['metric'] = 'sharpe',
  signal?: AbortSignal,
): Promise<Pbo | null> {
  const splits = pboSplits(trials, metric);
  for (;;) {
    signal?.throwIfAborted();
    const until = performance.now() + SLICE_MS;
    do {
      const next = splits.next();
      if (next.done) return next.value;
    } while (performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Rejects an attempt whose thread did not load in time (the work then moves to this thread). */
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
      // Loaded: no start deadline from here (an answer is a Pbo or null, never this string).
      if (message === PBO_THREAD_LOADED) {
        clearTimeout(startTimer);
        return;
      }
      settle(() => resolve(message));
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
