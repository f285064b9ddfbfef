/**
 * @module The embedded `Sql` adapter: PGlite (Postgres in WASM) in a worker thread, so no
 * statement ever runs on the thread serving real-time traffic. One connection: statements outside
 * a transaction are pipelined to the worker; a transaction holds the worker from BEGIN to COMMIT
 * (see `lane.ts`), so concurrent transactions run one after the other.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { PRIVATE_DIR_MODE, Registry } from '@tickline/kernel';
import { isStoreLockedError, StoreError } from '../errors.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { pingHealth, rolledBackAtCommit, transactionHandle } from '../adapter-common.ts';
import type { Sql, SqlHealth, SqlQueryable, SqlResult, SqlTx, SqlValue } from '../port/sql.ts';
import { createSqlMetrics, type SqlMetrics } from '../sql-metrics.ts';
import { prepareParams } from '../values/conversions.ts';
import { Lane } from './lane.ts';
import { narrowToOwner } from './owner-only-tree.ts';
import { memorySnapshot } from './memory-snapshot.ts';
import { reportPgliteMemory } from './pglite-memory-metrics.ts';
import { WorkerClient } from './worker-client.ts';

/**
 * Where the embedded database lives: files under `dataDir`, or memory only (tests), made from the
 * snapshot of a new cluster kept in `snapshotDir` (memory-snapshot.ts; default: the temp dir).
 */
export type PgliteLocation =
  | { dataDir: string; memory?: never; snapshotDir?: never }
  | { memory: true; dataDir?: never; snapshotDir?: string };

/** Options for {@link createPgliteSql}. */
export type PgliteSqlOptions = PgliteLocation & {
  /** @default a private registry */
  metrics?: Registry;
  /**
   * How often the database checkpoints, which is what lets its write-ahead log be recycled.
   * @default DEFAULT_PGLITE_CHECKPOINT_INTERVAL_MS
   */
  checkpointIntervalMs?: number;
};

/**
 * PGlite's single-user backend never checkpoints on WAL volume (only a postmaster's checkpointer
 * does), so without one the WAL of the default simulator grew ~250 MB an hour, never recycled.
 * Every 2 minutes the WAL since the last checkpoint is ~8 MB at the simulator's rate; a checkpoint
 * writes at most the 16 MB of shared buffers.
 */
export const DEFAULT_PGLITE_CHECKPOINT_INTERVAL_MS = 120_000;

interface TxState {
  owner: PgliteSql;
  open: boolean;
}

// Which transaction the current async call chain is inside, to refuse the outer handle there.
const currentTx = new AsyncLocalStorage<TxState>();

/**
 * Starts the worker and opens (creating on first use) the database. Opening takes a few seconds
 * (WASM start; initdb on first use), off the calling thread.
 * @throws StoreError STORE_CONNECTION_FAILED when the database cannot be opened, STORE_LOCKED when
 * another process (or handle) has `dataDir` open.
 * @example
 * const sql = await createPgliteSql({ dataDir: './data/pglite' });
 * await migrate(sql);
 */
export async function createPgliteSql(options: PgliteSqlOptions): Promise<Sql> {
  const dataDir = options.memory ? undefined : options.dataDir;
  const where = dataDir ?? 'memory';
  let unlock = async (): Promise<void> => {};
  try {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
      unlock = await lockDataDir(dataDir);
    }
    const checkpointIntervalMs = options.checkpointIntervalMs ?? DEFAULT_PGLITE_CHECKPOINT_INTERVAL_MS;
    const client = await WorkerClient.start(
      dataDir === undefined
        ? { checkpointIntervalMs, snapshot: memorySnapshot(options.snapshotDir) }
        : { dataDir, checkpointIntervalMs },
    );
    if (dataDir !== undefined) await narrowToOwner(dataDir);
    const registry = options.metrics ?? new Registry();
    const unreport = reportPgliteMemory(registry, client);
    return new PgliteSql(client, createSqlMetrics(registry, 'pglite'), async () => {
      unreport();
      await unlock();
    });
  } catch (cause) {
    await unlock();
    if (isStoreLockedError(cause)) throw cause;
    throw new StoreError(
      'STORE_CONNECTION_FAILED',
      `could not open PGlite (${where}): ${(cause as Error).message}`,
      {
        cause,
        details: { dataDir: where },
      },
    );
  }
}

/**
 * Copies the open embedded database's files into the new directory `to` while it keeps serving:
 * once the transactions already running are done, it checkpoints and copies with no statement in
 * between (statements sent meanwhile wait for the copy). The copy opens with `createPgliteSql`.
 * @throws StoreError STORE_INVALID_ARGUMENT when `sql` is not an embedded database, STORE_QUERY_FAILED
 * when the copy fails (`to` exists, an in-memory database, a full disk).
 * @example
 * await copyEmbeddedDatabase(sql, '/backups/staging/db');
 */
export async function copyEmbeddedDatabase(sql: Sql, to: string): Promise<void> {
  if (!(sql instanceof PgliteSql))
    throw new StoreError(
      'STORE_INVALID_ARGUMENT',
      `only the embedded database is copied as files (this is ${sql.dialect})`,
    );
  await sql.copyDataDir(to);
}

class PgliteSql implements Sql {
  readonly dialect = 'pglite';
  readonly #client: WorkerClient;
  readonly #metrics: SqlMetrics;
  readonly #lane = new Lane();
  readonly #unlock: () => Promise<void>;
  #txIds = 0;
  #closing: Promise<void> | undefined;

  constructor(client: WorkerClient, metrics: SqlMetrics, unlock: () => Promise<void>) {
    this.#client = client;
    this.#metrics = metrics;
    this.#unlock = unlock;
  }

  async query<T = Record<string, unknown>>(
    text: string,
    params?: readonly SqlValue[],
  ): Promise<SqlResult<T>> {
    this.#guard();
    return this.#lane.shared(() => this.#query<T>(0, text, params));
  }

  async exec(script: string): Promise<void> {
    this.#guard();
    return this.#lane.shared(() => this.#exec(0, script));
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#lane.exclusive(async () => {
      const id = ++this.#txIds;
      const state: TxState = { owner: this, open: true };
      const inner: SqlQueryable = {
        query: <R>(text: string, params?: readonly SqlValue[]) => this.#query<R>(id, text, params),
        exec: (script: string) => this.#exec(id, script),
      };
      const tx = transactionHandle(inner, () => state.open);
      await this.#metrics.statement('begin', () => this.#client.request({ op: 'begin', tx: id }));
      let result: T;
      try {
        result = await currentTx.run(state, () => fn(tx));
      } catch (error) {
        state.open = false;
        // If the rollback fails too (worker gone) the caller still learns the first error.
        await this.#client.request({ op: 'rollback', tx: id }).catch(() => {});
        this.#metrics.transaction('rollback');
        throw error;
      }
      state.open = false;
      const reply = await this.#metrics.statement('commit', () =>
        this.#client.request({ op: 'commit', tx: id }),
      );
      this.#metrics.transaction(reply.rolledBack ? 'rollback' : 'commit');
      if (reply.rolledBack) throw rolledBackAtCommit();
      return result;
    });
  }

  health(): Promise<SqlHealth> {
    return pingHealth(this);
  }

  /** See {@link copyEmbeddedDatabase}: exclusive, so no transaction is open while the files are copied. */
  async copyDataDir(to: string): Promise<void> {
    this.#guard();
    await this.#lane.exclusive(async () => {
      try {
        await this.#metrics.statement('copy', () => this.#client.request({ op: 'copy', to }));
      } catch (cause) {
        throw new StoreError(
          'STORE_QUERY_FAILED',
          `could not copy the database to ${to}: ${(cause as Error).message}`,
          {
            cause,
            details: { to },
          },
        );
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#lane.exclusive(async () => {
      await this.#client.request({ op: 'close' }).catch(() => {});
      await this.#client.terminate();
      await this.#unlock();
    });
    return this.#closing;
  }

  #guard(): void {
    if (this.#closing) throw new StoreError('STORE_CLOSED', 'the PGlite store is closed');
    const tx = currentTx.getStore();
    if (tx?.owner === this && tx.open) {
      throw new StoreError(
        'STORE_INVALID_ARGUMENT',
        'use the transaction handle inside transaction(): the embedded database has one connection, so the outer handle would wait for the transaction forever',
      );
    }
  }

  #query<T>(tx: number, text: string, params: readonly SqlValue[] | undefined): Promise<SqlResult<T>> {
    return this.#metrics.statement(text, async () => {
      const reply = await this.#client.request({ op: 'query', tx, text, params: prepareParams(params) });
      return { rows: (reply.rows ?? []) as T[], rowCount: reply.rowCount ?? 0 };
    });
  }

  async #exec(tx: number, script: string): Promise<void> {
    await this.#metrics.statement(script, () => this.#client.request({ op: 'exec', tx, text: script }));
  }
}
