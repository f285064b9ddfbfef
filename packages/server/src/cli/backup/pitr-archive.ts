/**
 * @module PostgreSQL point-in-time recovery, the taking side: `tickline backup pitr setup` turns on
 * WAL archiving (each finished 16 MB segment copied into a directory, never overwritten), and
 * `tickline backup pitr base` takes a base backup with pg_basebackup, keeps the newest `keep` and
 * deletes the archived WAL no base backup kept needs (pg_archivecleanup). A base backup plus the
 * WAL archived after it restore to any moment since (pitr-restore.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import {
  badArgument,
  BackupError,
  createProgress,
  findTool,
  postgresConnection,
  runTool,
  type CliIo,
  type PitrBaseOptions,
  type PitrSetupOptions,
} from '@tickline/cli';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { loadTicklineConfig, type ResolvedConfig } from '../../config/load.ts';
import { openDatabase } from '../../wiring/database.ts';

/** What `pitr base` writes beside pg_basebackup's files, for `pitr restore` and pruning. */
export const BASE_INFO_FILE = 'tickline-base.json';
const BASE_PREFIX = 'base-';

/** A base backup's facts. */
export interface BaseBackupInfo {
  /** When pg_basebackup finished: the earliest moment this base backup restores to. */
  finishedAt: string;
  /** The WAL segment it starts from (older archived segments are not needed by it). */
  startWalFile: string;
}

/** The database URL of a PostgreSQL configuration. @throws BackupError SERVER_BACKUP_PITR_NOT_POSTGRES */
export function postgresUrlOf(config: ResolvedConfig): string {
  if (config.database.url === undefined)
    throw new BackupError(
      'SERVER_BACKUP_PITR_NOT_POSTGRES',
      'point-in-time recovery is for PostgreSQL: set database.url (TICKLINE_DATABASE_URL)',
    );
  return config.database.url;
}

async function withDatabase<T>(config: ResolvedConfig, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = await openDatabase(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

/** A SQL string literal (ALTER SYSTEM takes no parameters). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The archive_command copying a segment into `dir`, refusing to overwrite one already there. */
export function archiveCommand(dir: string): string {
  return `test ! -f "${dir}/%f" && cp "%p" "${dir}/%f"`;
}

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
  const pending = await withDatabase(config, async (sql) => {
    const { rows } = await sql.query<{ wal_level: string }>('show wal_level');
    // logical already carries what replica does.
    if (rows[0]?.wal_level === 'minimal') await sql.query(`alter system set wal_level = 'replica'`);
    await sql.query(`alter system set archive_mode = 'on'`);
    await sql.query(`alter system set archive_command = ${literal(archiveCommand(dir))}`);
    await sql.query('select pg_reload_conf()');
    const restart = await sql.query<{ name: string }>(
      `select name from pg_settings where pending_restart or (name = 'archive_mode' and setting = 'off') order by name`,
    );
    return [...new Set(restart.rows.map((row) => row.name))];
  });
  progress(
    `archive_command copies finished WAL segments into ${dir} (it must exist on the database server, writable by postgres)`,
  );
  io.out(
    pending.length > 0
      ? `WAL archiving configured; restart PostgreSQL for ${pending.join(', ')} to take effect\n`
      : 'WAL archiving is on\n',
  );
}

/** The base backups in `dir`, oldest first (names sort by time). */
export async function listBaseBackups(dir: string): Promise<{ path: string; info: BaseBackupInfo }[]> {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of (await readdir(dir)).filter((n) => n.startsWith(BASE_PREFIX)).sort()) {
    // One without the file is a backup pg_basebackup left unfinished: not a base to restore.
    const text = await readFile(join(dir, name, BASE_INFO_FILE), 'utf8').catch(() => undefined);
    if (text !== undefined) found.push({ path: join(dir, name), info: JSON.parse(text) as BaseBackupInfo });
  }
  return found;
}

/** The first WAL file a base backup needs, from the backup_label inside its base.tar.gz. */
async function startWalFile(
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const label = await runTool(findTool('tar', env), ['-xzOf', join(base, 'base.tar.gz'), 'backup_label']);
  const file = /^START WAL LOCATION: .* \(file ([0-9A-F]{24})\)$/m.exec(label)?.[1];
  if (!file)
    throw new BackupError('SERVER_BACKUP_TOOL_FAILED', `no START WAL LOCATION in ${base}'s backup_label`);
  return file;
}

export async function runPitrBase(io: CliIo, options: PitrBaseOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const url = postgresUrlOf(config);
  const keep = options.keep === undefined ? config.backup.keep : Number(options.keep);
  if (!Number.isInteger(keep) || keep < 1)
    throw badArgument(`--keep must be a whole number above 0: ${options.keep}`);
  const walArchive = options.walArchive === undefined ? undefined : resolve(options.walArchive);
  const dir = resolve(options.to);
  const progress = createProgress(io, 'backup');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${BASE_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const partial = join(dir, `.${name}.partial`);
  const base = join(dir, name);
  const target = postgresConnection(url, io.env);
  try {
    progress(`pg_basebackup into ${base}`);
    await runTool(
      findTool('pg_basebackup', io.env),
      [
        `--pgdata=${partial}`,
        '--format=tar',
        '--gzip',
        '--wal-method=stream',
        '--checkpoint=fast',
        `--label=tickline ${name}`,
        '--no-password',
        target.dbname,
      ],
      target.env,
    );
    const info: BaseBackupInfo = {
      finishedAt: new Date().toISOString(),
      startWalFile: await startWalFile(partial, io.env),
    };
    await writeFile(join(partial, BASE_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    await rename(partial, base);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  const bases = await listBaseBackups(dir);
  const pruned = bases.slice(0, Math.max(0, bases.length - keep));
  for (const old of pruned) await rm(old.path, { recursive: true, force: true });
  if (pruned.length > 0) progress(`deleted ${pruned.map((b) => b.path).join(', ')} (keep ${keep})`);
  const oldest = bases[pruned.length];
  if (walArchive && oldest) {
    // Segments before the oldest kept base backup's start restore nothing any more.
    await runTool(findTool('pg_archivecleanup', io.env), [walArchive, oldest.info.startWalFile]);
    progress(`archived WAL before ${oldest.info.startWalFile} deleted from ${walArchive}`);
  }
  io.out(`${base}\n`);
}
