/**
 * @module Opening the configured database: PostgreSQL at `database.url`, else the embedded PGlite
 * under `${dataDir}/db` (in a worker thread, locked to one process). Shared by the process and by
 * `tickline migrate`. With `database.readUrl`, read-only queries go to that replica.
 */
import { resolve } from 'node:path';
import { redactUrlCredentials, type Logger, type Registry } from '@tickline/kernel';
import { createPgliteSql, createPostgresSql, createReadSql, type ReadSql, type Sql } from '@tickline/store';
import type { ResolvedConfig } from '../config/load.ts';

/** Where the database is, for messages. */
export type DatabaseLocation =
  { engine: 'pglite'; dir: string; text: string } | { engine: 'postgres'; url: string; text: string };

/** The location of the configured database; URL credentials redacted. */
export function databaseLocation(config: ResolvedConfig): DatabaseLocation {
  if (config.database.url !== undefined) {
    const url = redactUrlCredentials(config.database.url);
    return { engine: 'postgres', url, text: `${url} (postgres)` };
  }
  const dir = resolve(config.dataDir, 'db');
  return { engine: 'pglite', dir, text: `${dir} (embedded PGlite)` };
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  logger: Logger;
  metrics: Registry;
}

/**
 * Opens the configured database.
 * @throws StoreError STORE_CONNECTION_FAILED, or STORE_LOCKED when a running tickline holds the
 * embedded database.
 */
export async function openDatabase(config: ResolvedConfig, options: OpenDatabaseOptions): Promise<Sql> {
  const location = databaseLocation(config);
  if (location.engine === 'pglite')
    return createPgliteSql({ dataDir: location.dir, metrics: options.metrics });
  return createPostgresSql({
    url: config.database.url!,
    poolSize: config.database.poolSize,
    metrics: options.metrics,
    logger: options.logger,
  });
}

/** How long taking a replica connection may wait before the read goes to the primary instead. */
export const READ_REPLICA_CONNECT_TIMEOUT_MS = 2_000;

/**
 * The handle for read-only queries: the replica at `database.readUrl` in front of `primary`, or
 * `primary` alone when none is set. The replica is not checked here: one that is down at start-up
 * only sends reads to the primary until it answers.
 */
export async function openReadSql(
  config: ResolvedConfig,
  primary: Sql,
  options: OpenDatabaseOptions,
): Promise<ReadSql> {
  const { readUrl } = config.database;
  if (readUrl === undefined) return createReadSql({ primary });
  const replica = await createPostgresSql({
    url: readUrl,
    poolSize: config.database.poolSize,
    connectTimeoutMs: READ_REPLICA_CONNECT_TIMEOUT_MS,
    verify: false,
    metrics: options.metrics,
    logger: options.logger,
  });
  return createReadSql({
    primary,
    replica,
    freshWindowMs: config.database.readFreshWindowMs,
    maxLagMs: config.database.readMaxLagMs,
    metrics: options.metrics,
    logger: options.logger,
  });
}
