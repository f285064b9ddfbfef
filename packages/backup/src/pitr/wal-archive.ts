/**
 * @module PostgreSQL point-in-time recovery, the taking side: WAL archiving turned on (each finished
 * 16 MB segment copied into a directory, never overwritten), and base backups with pg_basebackup,
 * keeping the newest `keep` and deleting the archived WAL no base backup kept needs
 * (pg_archivecleanup). A base backup plus the WAL archived after it restore to any moment since
 * (recovery.ts). `tickline backup pitr setup|base` call these.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError, findTool, postgresConnection, runTool } from '@tickline/cli';
import type { Sql } from '@tickline/store';
import type { BackupSource } from '../archive-contents.ts';

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
export function postgresUrlOf(config: Pick<BackupSource, 'database'>): string {
  if (config.database.url === undefined)
    throw new BackupError(
      'SERVER_BACKUP_PITR_NOT_POSTGRES',
      'point-in-time recovery is for PostgreSQL: set database.url (TICKLINE_DATABASE_URL)',
    );
  return config.database.url;
}

/** A SQL string literal (ALTER SYSTEM takes no parameters). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The archive_command copying a segment into `dir`, refusing to overwrite one already there. */
export function archiveCommand(dir: string): string {
  return `test ! -f "${dir}/%f" && cp "%p" "${dir}/%f"`;
}

/**
 * Turns on WAL archiving into `dir` (a path on the database server, writable by postgres) on the
 * open database `sql`; resolves with the settings that take effect only after a restart.
 */
export async function enableWalArchiving(sql: Sql, dir: string): Promise<string[]> {
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

/** Options of {@link takeBaseBackup}. */
export interface BaseBackupOptions {
  /** The database's URL (postgresUrlOf). */
  url: string;
  /** Directory of the base backups (created). */
  to: string;
  /** Base backups kept in `to`: the oldest beyond are deleted. */
  keep: number;
  /** The WAL archive to clean of segments no kept base backup needs. */
  walArchive?: string | undefined;
  /** For the external tools: PATH and PGPASSWORD. */
  env: Readonly<Record<string, string | undefined>>;
  progress: (line: string) => void;
}

/** Takes a base backup into `<to>/base-<time>`; resolves with its path. */
export async function takeBaseBackup(options: BaseBackupOptions): Promise<string> {
  const { to: dir, keep, walArchive, env, progress } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${BASE_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const partial = join(dir, `.${name}.partial`);
  const base = join(dir, name);
  const target = postgresConnection(options.url, env);
  try {
    progress(`pg_basebackup into ${base}`);
    await runTool(
      findTool('pg_basebackup', env),
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
      startWalFile: await startWalFile(partial, env),
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
    await runTool(findTool('pg_archivecleanup', env), [walArchive, oldest.info.startWalFile]);
    progress(`archived WAL before ${oldest.info.startWalFile} deleted from ${walArchive}`);
  }
  return base;
}
