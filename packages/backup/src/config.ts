/**
 * @module The `backup` config section: a schedule (cron, UTC) on which the running server writes
 * the same archive `tickline backup` does, where, and how many it keeps. Light (zod and croner),
 * for the config schema and help.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import type { DeepReadonly } from '@tickline/kernel';

/** Archives kept by default: a week of daily backups. */
export const DEFAULT_BACKUP_KEEP = 7;
/** Where archives go without `backup.dir`, under the data dir (production: another disk). */
export const DEFAULT_BACKUP_SUBDIR = 'backups';

/** A cron expression croner reads (5 fields, or 6 with seconds first), evaluated in UTC. */
export function parseBackupSchedule(expression: string, options: { paused?: boolean } = {}): Cron {
  return new Cron(expression, {
    paused: options.paused ?? true,
    timezone: 'Etc/UTC',
    mode: '5-or-6-parts',
    // A run still going when the next is due: that one is skipped, never two at once.
    protect: true,
  });
}

export const BackupSchema = z.strictObject({
  schedule: z
    .string()
    .refine(
      (expression) => {
        try {
          parseBackupSchedule(expression).stop();
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a cron expression (5 fields, or 6 with seconds first)' },
    )
    .optional()
    .describe(
      'Cron expression (UTC; 5 fields, or 6 with seconds first) on which the running server writes a backup archive into backup.dir, as `tickline backup` does but without stopping it. Unset: no scheduled backups. Example: "0 3 * * *" (03:00 UTC daily).',
    ),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Directory of the scheduled archives (and of `tickline backup list`). Default: <dataDir>/backups. In production, another disk or a mounted volume.',
    ),
  keep: z
    .int()
    .positive()
    .default(DEFAULT_BACKUP_KEEP)
    .describe(
      'Scheduled archives kept in backup.dir: after each backup the oldest beyond this many are deleted.',
    ),
});

export type BackupSettings = DeepReadonly<z.output<typeof BackupSchema>>;

/** The `backup` section of the Tickline config. */
export const backupConfig = { key: 'backup', schema: BackupSchema.prefault({}) } as const;
