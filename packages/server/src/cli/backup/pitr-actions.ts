/**
 * @module `tickline backup pitr setup|base|restore`: the arguments checked, the configured
 * PostgreSQL opened, and @tickline/backup's point-in-time recovery called (WAL archiving, base
 * backups, a data dir that recovers to a moment).
 */
import { isAbsolute, resolve } from 'node:path';
import { enableWalArchiving, postgresUrlOf, prepareRecovery, takeBaseBackup } from '@tickline/backup';
import {
  badArgument,
  BackupError,
  createProgress,
  type CliIo,
  type PitrBaseOptions,
  type PitrRestoreOptions,
  type PitrSetupOptions,
} from '@tickline/cli';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { loadTicklineConfig } from '../../config/load.ts';
import { openDatabase } from '../../wiring/database.ts';

function checkDir(option: string, dir: string): string {
  if (!isAbsolute(dir) || /["'%\n]/.test(dir))
    throw badArgument(`${option} must be an absolute path without quotes or %: ${dir}`);
  return dir;
}

export async function runPitrSetup(io: CliIo, options: PitrSetupOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  postgresUrlOf(config);
  const dir = checkDir('--wal-archive', options.walArchive);
  const progress = createProgress(io, 'backup');
  const sql = await openDatabase(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  const pending = await enableWalArchiving(sql, dir).finally(() => sql.close());
  progress(
    `archive_command copies finished WAL segments into ${dir} (it must exist on the database server, writable by postgres)`,
  );
  io.out(
    pending.length > 0
      ? `WAL archiving configured; restart PostgreSQL for ${pending.join(', ')} to take effect\n`
      : 'WAL archiving is on\n',
  );
}

export async function runPitrBase(io: CliIo, options: PitrBaseOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const url = postgresUrlOf(config);
  const keep = options.keep === undefined ? config.backup.keep : Number(options.keep);
  if (!Number.isInteger(keep) || keep < 1)
    throw badArgument(`--keep must be a whole number above 0: ${options.keep}`);
  const walArchive = options.walArchive === undefined ? undefined : resolve(options.walArchive);
  const progress = createProgress(io, 'backup');
  const base = await takeBaseBackup({
    url,
    to: resolve(options.to),
    keep,
    walArchive,
    env: io.env,
    progress,
  });
  io.out(`${base}\n`);
}

function parseTarget(text: string, now: Date): Date {
  const target = new Date(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(target.getTime()) || target > now)
    throw new BackupError(
      'SERVER_BACKUP_PITR_BAD_TARGET',
      `--target-time must be an ISO 8601 time before now (e.g. 2026-11-27T21:30:00Z): ${text}`,
      { details: { targetTime: text } },
    );
  return target;
}

export async function runPitrRestore(io: CliIo, options: PitrRestoreOptions): Promise<void> {
  const progress = createProgress(io, 'restore');
  const target = parseTarget(options.targetTime, new Date());
  const walArchive = resolve(options.walArchive);
  const into = resolve(options.into);
  if (/["'%\n]/.test(walArchive)) throw badArgument(`--wal-archive must not hold quotes or %: ${walArchive}`);
  await prepareRecovery({ from: resolve(options.from), walArchive, into, target, env: io.env, progress });
  io.out(
    `${into}\nstart PostgreSQL on it (pg_ctl -D ${into} start): it recovers to ${target.toISOString()} and opens\n`,
  );
}
