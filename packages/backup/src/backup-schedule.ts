/**
 * @module The scheduled backup: on `backup.schedule` the running process writes an archive into
 * backup.dir (online, see online-backup.ts), deletes the oldest beyond `backup.keep`, logs the
 * run and records it (last-backup.json). A run never overlaps the next (croner's `protect`: a run
 * still going when the next is due skips that one); a failed run is logged and recorded, and the
 * schedule goes on. Stopping waits for a run in progress.
 */
import { mkdir } from 'node:fs/promises';
import type { Cron } from 'croner';
import {
  isTicklineError,
  ServiceStatus,
  type Logger,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { BackupSource } from './archive-contents.ts';
import { parseBackupSchedule, type BackupSettings } from './config.ts';
import { backupDir, pruneBackups, readLastRun, writeLastRun, type BackupRun } from './backup-status.ts';
import { takeOnlineBackup } from './online-backup.ts';

/** Options for {@link createBackupSchedule}. */
export interface BackupScheduleOptions {
  settings: BackupSettings;
  /** Where the process keeps its data: the process's config passes as it is. */
  config: BackupSource;
  sql: Sql;
  logger: Logger;
  /** For the external tools (tar, pg_dump): PATH and PGPASSWORD. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The schedule as a service, and what the admin API reports of it. */
export interface BackupSchedule extends Service {
  readonly dir: string;
  /** The next run, or null when there is no schedule (or it has ended). */
  nextRun(): Date | null;
  /** The last run of this process, else the one recorded in backup.dir. */
  lastRun(): Promise<BackupRun | null>;
  /** Takes one backup now, as the schedule does (what a run on schedule calls). */
  runOnce(): Promise<BackupRun>;
}

/** Builds the schedule; nothing runs before `start`, and nothing at all without `settings.schedule`. */
export function createBackupSchedule(options: BackupScheduleOptions): BackupSchedule {
  const { settings, config, sql, logger } = options;
  const env = options.env ?? process.env;
  const dir = backupDir(settings, config.dataDir);
  let cron: Cron | undefined;
  let last: BackupRun | undefined;
  let running: Promise<BackupRun> | undefined;

  const run = async (): Promise<BackupRun> => {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const result = await takeOnlineBackup({ config, sql, dir, env });
      const pruned = await pruneBackups(dir, settings.keep);
      last = {
        startedAt,
        durationMs: Date.now() - started,
        ok: true,
        archive: result.archive,
        bytes: result.bytes,
        pruned,
      };
      logger.info(
        {
          archive: result.archive,
          bytes: result.bytes,
          files: result.files,
          durationMs: last.durationMs,
          pruned,
        },
        'backup written',
      );
    } catch (error) {
      const code = isTicklineError(error) ? error.code : 'SERVER_BACKUP_FAILED';
      last = {
        startedAt,
        durationMs: Date.now() - started,
        ok: false,
        pruned: [],
        error: { code, message: (error as Error).message },
      };
      logger.error({ err: error, code, dir }, 'backup failed');
    }
    await writeLastRun(dir, last).catch((error: unknown) =>
      logger.warn({ err: error, dir }, 'could not record the last backup run'),
    );
    return last;
  };

  const runOnce = (): Promise<BackupRun> => {
    running ??= run().finally(() => (running = undefined));
    return running;
  };

  return {
    name: 'backup-schedule',
    dir,
    async start() {
      if (settings.schedule === undefined) return;
      cron = parseBackupSchedule(settings.schedule, { paused: false });
      cron.schedule(async () => {
        await runOnce();
      });
      logger.info(
        { schedule: settings.schedule, dir, keep: settings.keep, next: cron.nextRun() },
        'backups scheduled',
      );
    },
    async stop() {
      cron?.stop();
      cron = undefined;
      await running;
    },
    health(): ServiceHealth {
      if (last && !last.ok)
        return { status: ServiceStatus.Degraded, detail: `last backup failed: ${last.error?.message ?? ''}` };
      return { status: ServiceStatus.Up, ...(last ? { info: { lastBackup: last.startedAt } } : {}) };
    },
    nextRun: () => cron?.nextRun() ?? null,
    lastRun: async () => last ?? (await readLastRun(dir)),
    runOnce,
  };
}
