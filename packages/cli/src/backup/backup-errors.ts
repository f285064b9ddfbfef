/** @module Errors of `tickline backup` and `tickline restore`, with stable codes. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const BackupErrorCodes = defineErrorCodes({
  SERVER_BACKUP_DATA_DIR_IN_USE: {
    meaning: 'A running tickline holds the embedded database or event log of this data dir.',
    resolve: 'Stop the server using the data dir, then run the backup or restore again.',
    httpStatus: 409,
  },
  SERVER_BACKUP_ARCHIVE_INVALID: {
    meaning: 'The file is not a Tickline backup archive, or its manifest is unreadable.',
    resolve: 'Check the path; make the archive again with `tickline backup`.',
    httpStatus: 400,
  },
  SERVER_BACKUP_ARCHIVE_INCOMPATIBLE: {
    meaning:
      'The archive does not fit this installation: another archive format, another database engine than the one configured, or migrations this version does not know.',
    resolve:
      'Restore with the configuration (database.url set or not) and a tickline version at least as new as the ones that made the archive.',
    httpStatus: 409,
  },
  SERVER_BACKUP_CHECKSUM_MISMATCH: {
    meaning: 'A file in the archive differs from the checksum its manifest records (damaged or altered).',
    resolve: 'Use another copy of the archive; nothing was changed.',
    httpStatus: 422,
  },
  SERVER_BACKUP_TARGET_NOT_EMPTY: {
    meaning: 'The data dir or database to restore into already holds data.',
    resolve: 'Restore into an empty data dir / database, or pass --force to replace what is there.',
    httpStatus: 409,
  },
  SERVER_BACKUP_TOOL_FAILED: {
    meaning: 'An external program the backup needs (tar, pg_dump, pg_restore, psql) is missing or failed.',
    resolve:
      'Install it (Debian: tar, postgresql-client of the server’s major version or newer); the message has its output.',
    httpStatus: 500,
  },
  SERVER_BACKUP_FAILED: {
    meaning: 'A scheduled backup failed for a reason without a code of its own (a full disk, a permission).',
    resolve:
      'Read the message (GET /api/v1/admin/backups, `tickline backup list`, the server log), fix the cause; the next run retries.',
    httpStatus: 500,
  },
  SERVER_BACKUP_PITR_NOT_POSTGRES: {
    meaning: 'Point-in-time recovery needs PostgreSQL (database.url); the embedded database has none.',
    resolve: 'Set database.url, or use `tickline backup` (and backup.schedule) for the embedded default.',
    httpStatus: 400,
  },
  SERVER_BACKUP_PITR_NO_BASE_BACKUP: {
    meaning: 'No base backup in the directory was taken before the target time.',
    resolve:
      'Choose a later target time, or the directory holding older base backups (`tickline backup pitr base`).',
    httpStatus: 404,
  },
  SERVER_BACKUP_PITR_BAD_TARGET: {
    meaning: 'The target time is not an ISO 8601 time, or is in the future.',
    resolve: 'Give a time like 2026-11-27T21:30:00Z, before now.',
    httpStatus: 400,
  },
});

export type BackupErrorCode = keyof typeof BackupErrorCodes;

export class BackupError extends TicklineError {
  override name = 'BackupError';
  constructor(code: BackupErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isBackupDataDirInUseError = errorGuard('SERVER_BACKUP_DATA_DIR_IN_USE');
export const isBackupArchiveIncompatibleError = errorGuard('SERVER_BACKUP_ARCHIVE_INCOMPATIBLE');
