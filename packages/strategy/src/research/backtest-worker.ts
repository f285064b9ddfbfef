/**
 * @module A worker thread of the research pool: one isolate (StrategySandbox) for all its runs,
 * replaced when a run disposes it by hitting a limit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isTicklineError } from '@tickline/kernel';
import { StrategySandbox } from '../sandbox/sandbox.ts';
import type { SandboxLimits } from '../sandbox/sandbox.ts';
import { sameLimits } from './executor.ts';
import type { BacktestJob } from './executor.ts';

export type WorkerRequest = { id: number; job: Omit<BacktestJob, 'onProgress'>; wantsProgress: boolean };
export type WorkerReply =
  | { id: number; progress: [number, number] }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

const limits = (workerData as { limits: SandboxLimits }).limits;
let sandbox = new StrategySandbox(limits);

parentPort!.on('message', (request: WorkerRequest) => {
  void (async () => {
    if (!sandbox.usable || !sameLimits(sandbox.limits, request.job.limits)) {
      sandbox.dispose();
      sandbox = new StrategySandbox(request.job.limits ?? limits);
    }
    let reply: WorkerReply;
    try {
      const onProgress = request.wantsProgress
        ? (done: number, total: number): void =>
            parentPort!.postMessage({ id: request.id, progress: [done, total] } satisfies WorkerReply)
        : undefined;
      reply = { id: request.id, ok: true, result: await sandbox.run({ ...request.job, onProgress }) };
    } catch (error) {
      reply = isTicklineError(error)
        ? {
            id: request.id,
            ok: false,
            error: { code: error.code, message: error.message, details: error.details },
          }
        : { id: request.id, ok: false, error: { code: 'STRATEGY_SANDBOX_FAILED', message: String(error) } };
    }
    parentPort!.postMessage(reply);
  })();
});
