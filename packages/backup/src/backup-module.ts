/**
 * @module Backups as a module of the process: the schedule (a service) and its admin route. It runs
 * where the whole platform runs in one process (role `all`); at scale, a CronJob takes base
 * backups of PostgreSQL instead (deploy/k8s, docs/operations.md).
 */
import type { IdentityHost } from '@tickline/identity';
import { defineModule, type ModuleBaseDeps, type ModuleHost } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { BackupSource } from './archive-contents.ts';
import { backupConfig, type BackupSettings } from './config.ts';
import { backupRoutes } from './backup-routes.ts';
import { createBackupSchedule, type BackupSchedule } from './backup-schedule.ts';

export interface BackupHostDeps extends ModuleBaseDeps<BackupSettings> {
  config: BackupSource;
  sql: Sql;
  identity?: IdentityHost;
}

export interface BackupHost extends ModuleHost {
  readonly settings: BackupSettings;
  readonly schedule: BackupSchedule;
  readonly identity: IdentityHost | undefined;
}

export const backupModule = defineModule({
  name: 'backup',
  config: backupConfig,
  migrations: undefined,
  after: ['identity'],
  createHost(deps: BackupHostDeps): BackupHost {
    const schedule = createBackupSchedule({
      settings: deps.settings,
      config: deps.config,
      sql: deps.sql,
      logger: deps.logger,
    });
    return { services: [schedule], settings: deps.settings, schedule, identity: deps.identity };
  },
  routes: (host: BackupHost) =>
    host.identity ? backupRoutes(host.settings, host.schedule, host.identity.identity) : undefined,
});
