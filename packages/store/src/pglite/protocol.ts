/**
 * @module Messages between a `PgliteSql` handle and its worker thread. Each request carries an id
 * echoed by its reply, and the transaction it belongs to (0 = none): the worker refuses a statement
 * for another transaction than the open one, as a guard behind the main thread's lane.
 */
import type { DatabaseErrorFields } from '../values/database-error-fields.ts';

/** What the worker is started with (`workerData`). */
export interface WorkerInit {
  /** Absent: an in-memory database. */
  dataDir?: string;
  /**
   * An in-memory database only: a tar of a newly made cluster to start from instead of running
   * initdb (memory-snapshot.ts), or where to write one once this database is made.
   */
  snapshot?: { load: string } | { save: string };
  /** How often the worker runs CHECKPOINT (see pglite-worker.ts). */
  checkpointIntervalMs: number;
}

export type WorkerRequest =
  | { id: number; op: 'query'; tx: number; text: string; params: unknown[] }
  | { id: number; op: 'exec'; tx: number; text: string }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' }
  /** CHECKPOINT, then a copy of the data dir's files (lock files left out) into `to`. */
  | { id: number; op: 'copy'; to: string }
  | { id: number; op: 'memory' };

export type WorkerReply =
  | {
      id: number;
      ok: true;
      rows?: unknown[];
      rowCount?: number;
      rolledBack?: boolean;
      /** `memory`: bytes of PGlite's WebAssembly memory (it grows, never shrinks). */
      wasmMemoryBytes?: number;
    }
  | { id: number; ok: false; error: DatabaseErrorFields };

/** The id of the reply the worker sends once the database is open (or failed to open). */
export const READY_ID = 0;
