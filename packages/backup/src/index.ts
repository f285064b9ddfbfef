/**
 * @module @tickline/backup — backups of a Tickline data dir and database, in the archive
 * `tickline backup` writes and `tickline restore` reads (its format is @tickline/cli's): the
 * scheduled online backup of a running process with its retention and status record, the admin
 * report, and PostgreSQL point-in-time recovery (WAL archiving, base backups, recovery). Composed
 * through {@link backupModule}; the server's commands parse arguments and call the rest.
 */
export { backupModule } from './backup-module.ts';
export { backupConfig, BackupSchema, parseBackupSchedule, DEFAULT_BACKUP_KEEP } from './config.ts';
export { createBackupSchedule } from './backup-schedule.ts';
export { backupRoutes, backupsReport, readBackupsReport } from './backup-routes.ts';
export {
  backupDir,
  listBackups,
  pruneBackups,
  readLastRun,
  writeLastRun,
  LAST_RUN_FILE,
} from './backup-status.ts';
export { takeOnlineBackup } from './online-backup.ts';
export { copyLiveTree } from './live-tree.ts';
export { manifestOf, sqlFactsOf } from './manifest-of.ts';
export { DATA_COMPONENTS, componentsOf, defaultArchiveName } from './archive-contents.ts';
export {
  BASE_INFO_FILE,
  archiveCommand,
  enableWalArchiving,
  listBaseBackups,
  postgresUrlOf,
  takeBaseBackup,
} from './pitr/wal-archive.ts';
export { prepareRecovery, recoverySettings } from './pitr/recovery.ts';

export type { BackupHost, BackupHostDeps } from './backup-module.ts';
export type { BackupSettings } from './config.ts';
export type { BackupSchedule, BackupScheduleOptions } from './backup-schedule.ts';
export type { BackupEntry, BackupRun } from './backup-status.ts';
export type { OnlineBackupOptions, OnlineBackupResult } from './online-backup.ts';
export type { SqlFacts } from './manifest-of.ts';
export type { BackupSource } from './archive-contents.ts';
export type { BaseBackupInfo, BaseBackupOptions } from './pitr/wal-archive.ts';
export type { RecoveryOptions } from './pitr/recovery.ts';
