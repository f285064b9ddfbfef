/** @module `GET /api/v1/admin/backups`: the schedule, the last run and the archives in backup.dir (admins). */
import { principalOf, requireAdmin, requireAuthentication, type IdentityService } from '@tickline/identity';
import { AdminBackupsResponseSchema, ApiKeyScope, type AdminBackupsView } from '@tickline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { parseBackupSchedule, type BackupSettings } from './config.ts';
import type { BackupSchedule } from './backup-schedule.ts';
import { backupDir, listBackups, readLastRun } from './backup-status.ts';

/** The report `tickline backup list` prints too (its shape is the protocol's: the dashboard reads it). */
export async function backupsReport(
  settings: BackupSettings,
  schedule: Pick<BackupSchedule, 'dir' | 'nextRun' | 'lastRun'>,
): Promise<AdminBackupsView> {
  return {
    schedule: settings.schedule ?? null,
    dir: schedule.dir,
    keep: settings.keep,
    nextRun: schedule.nextRun()?.toISOString() ?? null,
    lastRun: await schedule.lastRun(),
    backups: await listBackups(schedule.dir),
  };
}

/** The report read from backup.dir alone, without a running server (`tickline backup list`). */
export async function readBackupsReport(
  settings: BackupSettings,
  dataDir: string,
): Promise<AdminBackupsView> {
  const dir = backupDir(settings, dataDir);
  const cron = settings.schedule === undefined ? undefined : parseBackupSchedule(settings.schedule);
  try {
    return await backupsReport(settings, {
      dir,
      nextRun: () => cron?.nextRun() ?? null,
      lastRun: () => readLastRun(dir),
    });
  } finally {
    cron?.stop();
  }
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
          response: { 200: AdminBackupsResponseSchema },
        },
      },
      async () => backupsReport(settings, schedule),
    );
  };
}
