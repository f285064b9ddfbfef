/**
 * @module Scheduled backups on the wire (`GET /api/v1/admin/backups`, admin; `tickline backup list
 * --json` prints the same): the schedule (backup.schedule, cron in UTC, or null: none), the next
 * and the last run, and the archives kept in backup.dir, newest first.
 */
import { z } from 'zod';

/** One scheduled run: `archive` and `bytes` when ok, `error` when not; `pruned` past backup.keep. */
export const BackupRunSchema = z.object({
  startedAt: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  archive: z.string().optional(),
  bytes: z.number().optional(),
  pruned: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const AdminBackupsResponseSchema = z.object({
  schedule: z.string().nullable(),
  dir: z.string(),
  keep: z.number().int(),
  nextRun: z.string().nullable(),
  lastRun: BackupRunSchema.nullable(),
  backups: z.array(z.object({ name: z.string(), createdAt: z.string(), bytes: z.number() })),
});

export type BackupRunView = z.infer<typeof BackupRunSchema>;
export type AdminBackupsView = z.infer<typeof AdminBackupsResponseSchema>;
export type BackupEntryView = AdminBackupsView['backups'][number];
