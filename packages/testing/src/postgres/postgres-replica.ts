/**
 * @module A PostgreSQL primary and a streaming replica for read/write-split tests: the primary is
 * the harness's server with WAL for a standby and a replication entry in `pg_hba.conf`; the
 * replica is `pg_basebackup -R -X stream` of it, started on a port of its own.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  prepareServerDir,
  startPostgres,
  startOnFreePort,
  type PostgresServerHandle,
  type StartPostgresOptions,
} from './postgres-server.ts';

/**
 * What a primary needs to feed a standby (PostgreSQL 10+ defaults, set anyway so the test does
 * not hang on a packager's different defaults).
 */
export const PRIMARY_REPLICATION_SETTINGS = ['wal_level=replica', 'max_wal_senders=5'] as const;

/** The line `initdb -A trust` writes for loopback replication; added when a packager left it out. */
const REPLICATION_HBA = 'host replication all 127.0.0.1/32 trust';

/**
 * Starts a server able to feed streaming replicas ({@link startPostgresReplica}).
 * @example
 * const primary = await startPostgresPrimary();
 * const replica = await startPostgresReplica(primary);
 */
export async function startPostgresPrimary(
  options: StartPostgresOptions = {},
): Promise<PostgresServerHandle> {
  const server = await startPostgres({
    ...options,
    settings: [...PRIMARY_REPLICATION_SETTINGS, ...(options.settings ?? [])],
  });
  try {
    const hbaFile = join(server.dataDir, 'pg_hba.conf');
    const hba = await readFile(hbaFile, 'utf8');
    if (!/^\s*host\s+replication\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(hba)) {
      await appendFile(hbaFile, `\n${REPLICATION_HBA}\n`);
      await query(server.url, 'select pg_reload_conf()');
    }
    return server;
  } catch (error) {
    await server.cleanup();
    throw error;
  }
}

/**
 * Takes a base backup of `primary` with `pg_basebackup -R -X stream` (which writes
 * `standby.signal` and `primary_conninfo`) and starts it as a hot standby on its own port. Its
 * `url` answers read-only queries; it follows the primary until stopped.
 */
export async function startPostgresReplica(
  primary: PostgresServerHandle,
  options: StartPostgresOptions = {},
): Promise<PostgresServerHandle> {
  const { work, dataDir, exec } = await prepareServerDir('tickline-pg-replica');
  try {
    await exec('pg_basebackup', [
      ...['-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'],
      ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
    ]);
    return await startOnFreePort(work, dataDir, exec, {
      ...options,
      settings: ['hot_standby=on', ...(options.settings ?? [])],
    });
  } catch (error) {
    await work.remove();
    throw error;
  }
}

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
