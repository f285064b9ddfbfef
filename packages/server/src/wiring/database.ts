/**
 * @module Opening the configured database: PostgreSQL at `database.url`, else the embedded PGlite
 * under `${dataDir}/db` (in a worker thread, locked to one process). Shared by the process and by
 * `tickline migrate`.
 */
import { resolve } from 'node:path';
import { redactUrlCredentials, type Logger, type Registry } from '@tickline/kernel';
import { createPgliteSql, createPostgresSql, type Sql } from '@tickline/store';
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
