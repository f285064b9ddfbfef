/**
 * @module The probability of backtest overfitting, computed on a worker thread. CSCV over a
 * 1,000-set search is C(16, 8) = 12,870 splits × 1,000 trials × 16 blocks: seconds of CPU that,
 * on the server's thread, stalled every request behind it (issue 46 finding 7). The trials'
 * block sums (a few hundred bytes each) are copied over; the answer is the same numbers.
 */
import { Worker } from 'node:worker_threads';
import { TicklineError } from '@tickline/kernel';
import type { BlockStats, Pbo, PboOptions } from './overfitting.ts';

/** How a search computes its PBO: on this thread (`pboFromBlocks`) or off it (`pboOffThread`). */
export type PboComputer = (trials: readonly BlockStats[], metric?: PboOptions['metric']) => Promise<Pbo | null>;

/** {@link pboFromBlocks} on a worker thread of its own, ended when it answers. */
export const pboOffThread: PboComputer = (trials, metric = 'sharpe') => {
  if (trials.length < 2) return Promise.resolve(null);
  return new Promise<Pbo | null>((resolve, reject) => {
    const worker = new Worker(new URL('./pbo-worker.ts', import.meta.url), {
      workerData: { trials, metric },
    });
    let answered = false;
    worker.once('message', (pbo: Pbo | null) => {
      answered = true;
      resolve(pbo);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      answered = true;
      reject(new TicklineError('STRATEGY_SANDBOX_FAILED', 'the overfitting measure failed', { cause: error }));
    });
    worker.once('exit', (code) => {
      if (!answered)
        reject(new TicklineError('STRATEGY_SANDBOX_FAILED', `the overfitting measure's thread exited with ${code}`));
    });
  });
};
