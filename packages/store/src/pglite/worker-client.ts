/**
 * @module The main-thread end of the PGlite worker: sends requests, matches replies by id, and
 * fails everything pending when the worker dies. The worker only keeps the process alive while a
 * request is outstanding, so a forgotten handle never blocks exit.
 */
import { Worker } from 'node:worker_threads';
import { StoreError } from '../errors.ts';
import type { DatabaseErrorFields } from '../values/database-error-fields.ts';
import { READY_ID, type WorkerInit, type WorkerReply, type WorkerRequest } from './protocol.ts';

/** Young generation of the PGlite worker's V8 heap. */
const PGLITE_WORKER_YOUNG_GENERATION_MB = 8;

type Success = Extract<WorkerReply, { ok: true }>;
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (reply: Success) => void;
  reject: (error: unknown) => void;
}

/** A driver-shaped error from the worker's report, for `toStoreError`. */
function reportedError(fields: DatabaseErrorFields): Error {
  return Object.assign(new Error(fields.message), fields);
}

export class WorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = READY_ID + 1;
  #dead: StoreError | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: WorkerReply) => this.#settle(message));
    worker.on('error', (error) => this.#die(`the PGlite worker failed: ${error.message}`, error));
    worker.on('exit', (code) => this.#die(`the PGlite worker exited (code ${code})`));
  }

  /** Starts the worker and waits until its database is open. */
  static async start(init: WorkerInit): Promise<WorkerClient> {
    const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
      workerData: init,
      // The worker's own V8 heap only passes rows between PGlite and the port: a small young
      // generation (V8 sizes it for a big heap by default) is enough and stays out of RSS.
      resourceLimits: { maxYoungGenerationSizeMb: PGLITE_WORKER_YOUNG_GENERATION_MB },
    });
    const client = new WorkerClient(worker);
    try {
      await new Promise<Success>((resolve, reject) => client.#pending.set(READY_ID, { resolve, reject }));
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    worker.unref();
    return client;
  }

  /** Sends one request; resolves with the worker's success reply, rejects with its error. */
  request(request: Request): Promise<Success> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage({ ...request, id });
      } catch (error) {
        // DataCloneError: a parameter that cannot cross threads (a function, a class instance with private state).
        reject(
          new StoreError(
            'STORE_INVALID_ARGUMENT',
            `cannot send the statement to the worker: ${(error as Error).message}`,
            { cause: error },
          ),
        );
        return;
      }
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
    });
  }

  /**
   * The worker's memory: its V8 heap and PGlite's WebAssembly memory (a `memory` request waits
   * behind the statements already sent, like any other).
   */
  async memory(): Promise<{ heapUsedBytes: number; heapTotalBytes: number; wasmBytes: number }> {
    const [heap, reply] = await Promise.all([
      this.#worker.getHeapStatistics(),
      this.request({ op: 'memory' }),
    ]);
    return {
      heapUsedBytes: heap.used_heap_size,
      heapTotalBytes: heap.total_heap_size,
      wasmBytes: reply.wasmMemoryBytes ?? 0,
    };
  }

  async terminate(): Promise<void> {
    this.#dead ??= new StoreError('STORE_CLOSED', 'the PGlite worker was stopped');
    await this.#worker.terminate();
  }

  #settle(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(reportedError(reply.error));
  }

  #die(message: string, cause?: unknown): void {
    this.#dead ??= new StoreError('STORE_CONNECTION_FAILED', message, { cause });
    for (const pending of this.#pending.values()) pending.reject(this.#dead);
    this.#pending.clear();
  }
}
