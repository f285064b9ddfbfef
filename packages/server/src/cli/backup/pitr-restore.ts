/**
 * @module `tickline backup pitr restore`: a new PostgreSQL data dir that recovers to a moment — the
 * newest base backup finished before it, unpacked, with restore_command reading the WAL archive,
 * recovery_target_time, promotion once reached, and recovery.signal. Starting PostgreSQL on it
 * replays the archived WAL up to the last transaction committed at or before the target. It
 * changes nothing but the new directory, and refuses before writing anything.
 */
import { mkdir, chmod, readdir, appendFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BackupError,
  badArgument,
  createProgress,
  extractArchive,
  type CliIo,
  type PitrRestoreOptions,
} from '@tickline/cli';
import { listBaseBackups } from './pitr-archive.ts';

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
  const from = resolve(options.from);
  const walArchive = resolve(options.walArchive);
  const into = resolve(options.into);
  if (/["'%\n]/.test(walArchive)) throw badArgument(`--wal-archive must not hold quotes or %: ${walArchive}`);
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
  await extractArchive(join(base.path, 'base.tar.gz'), into, io.env);
  if (existsSync(join(base.path, 'pg_wal.tar.gz'))) {
    await mkdir(join(into, 'pg_wal'), { recursive: true, mode: 0o700 });
    await extractArchive(join(base.path, 'pg_wal.tar.gz'), join(into, 'pg_wal'), io.env);
  }
  await appendFile(join(into, 'postgresql.auto.conf'), recoverySettings(walArchive, target));
  await writeFile(join(into, 'recovery.signal'), '');
  progress(`recovery to ${target.toISOString()} from ${walArchive} configured`);
  io.out(
    `${into}\nstart PostgreSQL on it (pg_ctl -D ${into} start): it recovers to ${target.toISOString()} and opens\n`,
  );
}
