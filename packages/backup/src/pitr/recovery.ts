/**
 * @module PostgreSQL point-in-time recovery, the restoring side: a new PostgreSQL data dir that
 * recovers to a moment — the newest base backup finished before it, unpacked, with
 * restore_command reading the WAL archive, recovery_target_time, promotion once reached, and
 * recovery.signal. Starting PostgreSQL on it replays the archived WAL up to the last transaction
 * committed at or before the target. It changes nothing but the new directory, and refuses before
 * writing anything. `tickline backup pitr restore` calls it.
 */
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupError, extractArchive } from '@tickline/cli';
import { listBaseBackups } from './wal-archive.ts';

/** The recovery settings appended to the restored postgresql.auto.conf. */
export function recoverySettings(walArchive: string, target: Date): string {
  return [
    '',
    `# tickline backup pitr restore: recover to ${target.toISOString()}, then open for writes`,
    `restore_command = 'cp "${walArchive}/%f" "%p"'`,
    // PostgreSQL takes no zone abbreviation here (not even ISO 8601's Z): a numeric offset.
    `recovery_target_time = '${target.toISOString().replace('T', ' ').replace('Z', '+00')}'`,
    `recovery_target_action = 'promote'`,
    '',
  ].join('\n');
}

/** Options of {@link prepareRecovery}; paths absolute. */
export interface RecoveryOptions {
  /** The directory of the base backups (takeBaseBackup's `to`). */
  from: string;
  /** The WAL archive (without quotes or %: it goes into restore_command). */
  walArchive: string;
  /** The new data dir: absent or empty. */
  into: string;
  target: Date;
  /** For tar: PATH. */
  env: Readonly<Record<string, string | undefined>>;
  progress: (line: string) => void;
}

/**
 * Writes into `into` a data dir that recovers to `target`.
 * @throws BackupError SERVER_BACKUP_PITR_NO_BASE_BACKUP, SERVER_BACKUP_TARGET_NOT_EMPTY
 */
export async function prepareRecovery(options: RecoveryOptions): Promise<void> {
  const { from, walArchive, into, target, env, progress } = options;
  const base = (await listBaseBackups(from)).filter((b) => new Date(b.info.finishedAt) <= target).at(-1);
  if (!base)
    throw new BackupError(
      'SERVER_BACKUP_PITR_NO_BASE_BACKUP',
      `no base backup in ${from} finished before ${target.toISOString()}`,
      { details: { from, targetTime: target.toISOString() } },
    );
  if (existsSync(into) && (await readdir(into)).length > 0)
    throw new BackupError('SERVER_BACKUP_TARGET_NOT_EMPTY', `${into} is not empty; name a new directory`, {
      details: { occupied: [into] },
    });
  progress(`base backup ${base.path} (finished ${base.info.finishedAt})`);
  await mkdir(into, { recursive: true, mode: 0o700 });
  await chmod(into, 0o700);
  await extractArchive(join(base.path, 'base.tar.gz'), into, env);
  if (existsSync(join(base.path, 'pg_wal.tar.gz'))) {
    await mkdir(join(into, 'pg_wal'), { recursive: true, mode: 0o700 });
    await extractArchive(join(base.path, 'pg_wal.tar.gz'), join(into, 'pg_wal'), env);
  }
  await appendFile(join(into, 'postgresql.auto.conf'), recoverySettings(walArchive, target));
  await writeFile(join(into, 'recovery.signal'), '');
  progress(`recovery to ${target.toISOString()} from ${walArchive} configured`);
}
