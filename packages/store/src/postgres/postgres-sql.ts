/**
 * @module The PostgreSQL `Sql` adapter: a node-postgres pool. Each transaction checks out one
 * client for its duration; statements outside transactions take any idle client.
 */
import pg from 'pg';
import { Registry, silentLogger, type Logger } from '@tickline/kernel';
import { StoreError } from '../errors.ts';
import type { Sql, SqlHealth, SqlQueryable, SqlResult, SqlTx, SqlValue } from '../port/sql.ts';
import { pingHealth, rolledBackAtCommit, transactionHandle } from '../adapter-common.ts';
import { createSqlMetrics, type SqlMetrics } from '../sql-metrics.ts';
import { toStoreError } from '../to-store-error.ts';
import { prepareParams, rowCountOf } from '../values/conversions.ts';
import { postgresTypes } from './pg-type-parsers.ts';

/** Connections in the pool. */
export const DEFAULT_POOL_SIZE = 10;
/** How long taking a connection may wait (connecting, or for a busy pool to free one). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Idle connections are closed after this long. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Options for {@link createPostgresSql}. */
export interface PostgresSqlOptions {
  /** `postgres://user:password@host:port/database` (from `TICKLINE_DATABASE_URL` in the server). */
  url: string;
  /** @default 10 */
  poolSize?: number;
  /** @default 5_000 */
  connectTimeoutMs?: number;
  /** @default 30_000 */
  idleTimeoutMs?: number;
  /**
   * Run `select 1` before returning, so a wrong URL fails at start-up.
   * @default true
   */
  verify?: boolean;
  /** @default a private registry */
  metrics?: Registry;
  /** Receives errors of idle connections (server restarts). @default silent */
  logger?: Logger;
}

/**
 * Creates the pool and, unless `verify: false`, checks that the server answers.
 * @throws StoreError STORE_CONNECTION_FAILED when verification fails.
 * @example
 * const sql = await createPostgresSql({ url: config.database.url, poolSize: 20 });
 */
export async function createPostgresSql(options: PostgresSqlOptions): Promise<Sql> {
  const logger = options.logger ?? silentLogger;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    application_name: 'tickline',
    types: postgresTypes,
  });
  // An idle client losing its connection emits here; unhandled, it would crash the process.
  pool.on('error', (error) =>
    logger.warn({ err: error }, 'idle PostgreSQL connection failed; it is replaced on next use'),
  );
  const sql = new PostgresSql(pool, createSqlMetrics(options.metrics ?? new Registry(), 'postgres'));
  if (options.verify ?? true) {
    try {
      await sql.query('select 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw toStoreError(error);
    }
  }
  return sql;
}

function queryable(client: pg.Pool | pg.PoolClient, metrics: SqlMetrics): SqlQueryable {
  return {
    query: <T>(text: string, params?: readonly SqlValue[]): Promise<SqlResult<T>> =>
      metrics.statement(text, async () => {
        const result = await client.query(text, prepareParams(params));
        return {
          rows: result.rows as T[],
          rowCount: rowCountOf(result.command, result.rowCount, result.rows.length),
        };
      }),
    exec: async (script: string) => {
      // Without parameters node-postgres uses the simple protocol, which allows several statements.
      await metrics.statement(script, () => client.query(script));
    },
  };
}

class PostgresSql implements Sql {
  readonly dialect = 'postgres';
  readonly #pool: pg.Pool;
  readonly #metrics: SqlMetrics;
  readonly #direct: SqlQueryable;
  // pg-pool's end() abandons checkouts still queued, so close() first waits for these itself.
  readonly #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(pool: pg.Pool, metrics: SqlMetrics) {
    this.#pool = pool;
    this.#metrics = metrics;
    this.#direct = queryable(pool, metrics);
  }

  async query<T = Record<string, unknown>>(
    text: string,
    params?: readonly SqlValue[],
  ): Promise<SqlResult<T>> {
    this.#guard();
    return this.#track(this.#direct.query<T>(text, params));
  }

  async exec(script: string): Promise<void> {
    this.#guard();
    return this.#track(this.#direct.exec(script));
  }

  async transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#track(this.#transaction(fn));
  }

  async #transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.#metrics.statement('connect', () => this.#pool.connect());
    let open = true;
    const inner = queryable(client, this.#metrics);
    const tx = transactionHandle(inner, () => open);
    let broken: Error | undefined;
    // The pool stops listening to a client it hands out: a connection lost between statements
    // (a server restart) would be an uncaught 'error' and stop the process. Destroy it instead.
    const lost = (error: Error) => (broken ??= error);
    client.on('error', lost);
    try {
      await inner.query('begin');
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        open = false;
        await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
        this.#metrics.transaction('rollback');
        throw error;
      }
      open = false;
      const commit = await this.#metrics.statement('commit', () => client.query('commit'));
      this.#metrics.transaction(commit.command === 'ROLLBACK' ? 'rollback' : 'commit');
      if (commit.command === 'ROLLBACK') throw rolledBackAtCommit();
      return result;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'STORE_CONNECTION_FAILED') broken ??= error;
      throw error;
    } finally {
      open = false;
      client.removeListener('error', lost);
      // A client whose rollback failed may sit in a transaction: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  health(): Promise<SqlHealth> {
    return pingHealth(this);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#running]);
      await this.#pool.end();
    })();
    return this.#closing;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }

  #guard(): void {
    if (this.#closing) throw new StoreError('STORE_CLOSED', 'the PostgreSQL store is closed');
  }
}
