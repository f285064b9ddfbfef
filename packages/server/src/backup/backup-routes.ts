/** @module `GET /api/v1/admin/backups`: the schedule, the last run and the archives in backup.dir (admins). */
import { principalOf, requireAdmin, requireAuthentication, type IdentityService } from '@tickline/identity';
import { ApiKeyScope } from '@tickline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BackupSettings } from './backup-config.ts';
import type { BackupSchedule } from './backup-schedule.ts';
import { listBackups } from './backup-status.ts';

const BackupRunSchema = z.object({
  startedAt: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  archive: z.string().optional(),
  bytes: z.number().optional(),
  pruned: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const BackupsSchema = z.object({
  schedule: z.string().nullable(),
  dir: z.string(),
  keep: z.number().int(),
  nextRun: z.string().nullable(),
  lastRun: BackupRunSchema.nullable(),
  backups: z.array(z.object({ name: z.string(), createdAt: z.string(), bytes: z.number() })),
});

/** The report `tickline backup list` prints too. */
export async function backupsReport(
  settings: BackupSettings,
  schedule: Pick<BackupSchedule, 'dir' | 'nextRun' | 'lastRun'>,
): Promise<z.output<typeof BackupsSchema>> {
  return {
    schedule: settings.schedule ?? null,
    dir: schedule.dir,
    keep: settings.keep,
    nextRun: schedule.nextRun()?.toISOString() ?? null,
    lastRun: await schedule.lastRun(),
    backups: await listBackups(schedule.dir),
  };
}

export function backupRoutes(
  settings: BackupSettings,
  schedule: BackupSchedule,
  identity: IdentityService,
): FastifyPluginAsyncZod {
  return async function backups(app) {
    app.get(
      '/admin/backups',
      {
        config: { scope: ApiKeyScope.Admin },
        preValidation: [
          requireAuthentication(identity),
          async function requireAdminRole(request) {
            requireAdmin(principalOf(request));
          },
        ],
        schema: {
          summary: 'Scheduled backups: the schedule, the last run and the archives kept (admins)',
          tags: ['admin'],
          security: [{ bearer: [] }, { apiKey: [] }],
          response: { 200: BackupsSchema },
        },
      },
      async () => backupsReport(settings, schedule),
    );
  };
}
