/** @module The worker thread {@link pboOffThread} starts: one CSCV over the trials it was given, answered once. */
import { parentPort, workerData } from 'node:worker_threads';
import { pboFromBlocks, type BlockStats } from './overfitting.ts';

const { trials, metric } = workerData as { trials: BlockStats[]; metric: 'sharpe' | 'mean' };
// Loaded: from here the host waits for the answer without a start deadline (pbo-thread.ts).
parentPort!.postMessage('loaded');
parentPort!.postMessage(pboFromBlocks(trials, metric));
