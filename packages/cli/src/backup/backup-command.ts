/** @module `tickline backup` and `tickline restore`: the SQL store, the embedded logs and local files in one archive. */
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';

export interface BackupCommandOptions {
  config?: string;
  /** Archive path. @default ./tickline-backup-<UTC time>.tar.gz */
  output?: string;
}

export interface RestoreCommandOptions {
  config?: string;
  /** Replace a data dir or database that already holds data. */
  force?: boolean;
}

export interface BackupListOptions {
  config?: string;
  /** Print the report as JSON (what `GET /api/v1/admin/backups` answers). */
  json?: boolean;
}

export interface PitrSetupOptions {
  config?: string;
  /** Directory the server copies each finished WAL segment into (the server's path). */
  walArchive: string;
}

export interface PitrBaseOptions {
  config?: string;
  /** Directory of the base backups (one sub-directory each). */
  to: string;
  /** With it, WAL segments older than the oldest base backup kept are deleted from it. */
  walArchive?: string;
  /** Base backups kept. @default backup.keep */
  keep?: string;
}

export interface PitrRestoreOptions {
  /** Directory of the base backups. */
  from: string;
  walArchive: string;
  /** ISO 8601 time to recover to (transactions committed after it are not replayed). */
  targetTime: string;
  /** New, empty PostgreSQL data directory to restore into. */
  into: string;
}

/** The composer's half: the data dir and the database held while the archive is written or read. */
export interface LocalBackup {
  runBackup(io: CliIo, options: BackupCommandOptions): Promise<void>;
  runRestore(io: CliIo, archive: string, options: RestoreCommandOptions): Promise<void>;
  runBackupList(io: CliIo, options: BackupListOptions): Promise<void>;
  runPitrSetup(io: CliIo, options: PitrSetupOptions): Promise<void>;
  runPitrBase(io: CliIo, options: PitrBaseOptions): Promise<void>;
  runPitrRestore(io: CliIo, options: PitrRestoreOptions): Promise<void>;
}

/** `backup` and `restore`, through `actions`. */
export const backupCommands =
  (actions: () => Promise<LocalBackup>): RegisterCommand =>
  (program, io, setExitCode) => {
    const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));
    // The store (PGlite, pg) and the log load only when one of these runs.
    const backup = program
      .command('backup')
      .description('write the database, the embedded event logs, snapshots and secrets into one archive')
      .addOption(configOption())
      .option('-o, --output <file>', 'archive to write (default: ./tickline-backup-<time>.tar.gz)')
      .addHelpText(
        'after',
        `
The archive is a .tar.gz with manifest.json first (versions, and each file's SHA-256). PostgreSQL
(database.url) is dumped with pg_dump while tickline runs; the embedded database and logs are
locked by a running tickline: stop it first, or set backup.schedule and the running server writes
the same archive itself (see tickline backup list). Progress goes to stderr, the archive path to
stdout. PostgreSQL point-in-time recovery: tickline backup pitr --help.

Examples:
  tickline backup --output /backups/tickline.tar.gz
  TICKLINE_DATABASE_URL=postgres://tickline@db/tickline tickline backup`,
      )
      .action((options: BackupCommandOptions) => run(async () => (await actions()).runBackup(io, options))());
    backup
      .command('list')
      .description('the archives in backup.dir, the schedule and its last run')
      .addOption(configOption())
      .option('--json', 'print the report as JSON (as GET /api/v1/admin/backups answers)')
      .addHelpText(
        'after',
        `
Reads backup.dir (default <dataDir>/backups) directly: it works with the server stopped. The last
run is the one the server's schedule (backup.schedule) recorded in last-backup.json there.`,
      )
      .action((options: BackupListOptions) =>
        run(async () => (await actions()).runBackupList(io, options))(),
      );
    const pitr = backup
      .command('pitr')
      .description('PostgreSQL point-in-time recovery: WAL archiving, base backups, restore to a time');
    pitr
      .command('setup')
      .description('turn on WAL archiving of the database at database.url (ALTER SYSTEM; superuser)')
      .addOption(configOption())
      .requiredOption(
        '--wal-archive <dir>',
        'directory, on the database server, that finished WAL segments are copied into',
      )
      .addHelpText(
        'after',
        `
Sets wal_level=replica, archive_mode=on and archive_command (copy each segment into the
directory, never overwriting) with ALTER SYSTEM, reloads, and says whether PostgreSQL must be
restarted (archive_mode and wal_level take effect only then). On Kubernetes the same settings
are in the database's configuration instead (deploy/k8s/backup).

Example:
  tickline backup pitr setup --wal-archive /var/lib/postgresql/wal-archive`,
      )
      .action((options: PitrSetupOptions) => run(async () => (await actions()).runPitrSetup(io, options))());
    pitr
      .command('base')
      .description('take a base backup (pg_basebackup) and delete the oldest beyond --keep')
      .addOption(configOption())
      .requiredOption('--to <dir>', 'directory of the base backups')
      .option('--wal-archive <dir>', 'also delete archived WAL older than the oldest base backup kept')
      .option('--keep <n>', 'base backups kept (default: backup.keep)')
      .addHelpText(
        'after',
        `
Writes <dir>/base-<UTC time>/ (base.tar.gz, pg_wal.tar.gz, backup_manifest) as pg_basebackup
--format=tar --gzip --wal-method=stream, over a replication connection to database.url. The
base backup path is printed on stdout.

Example:
  tickline backup pitr base --to /backups/base --wal-archive /backups/wal --keep 7`,
      )
      .action((options: PitrBaseOptions) => run(async () => (await actions()).runPitrBase(io, options))());
    pitr
      .command('restore')
      .description('prepare a new PostgreSQL data dir that recovers to a moment (start it after)')
      .requiredOption('--from <dir>', 'directory of the base backups')
      .requiredOption('--wal-archive <dir>', 'directory of the archived WAL')
      .requiredOption('--target-time <time>', 'ISO 8601 time to recover to, e.g. 2026-11-27T21:30:00Z')
      .requiredOption('--into <dir>', 'new, empty PostgreSQL data directory')
      .addHelpText(
        'after',
        `
Unpacks the newest base backup taken before the target time into the directory and configures
recovery: restore_command (copy from the WAL archive), recovery_target_time, promote when
reached, and recovery.signal. Start PostgreSQL on it (pg_ctl -D <dir> start): it replays the
archived WAL up to the target and opens for writes. Nothing is changed elsewhere.

Example:
  tickline backup pitr restore --from /backups/base --wal-archive /backups/wal \\
    --target-time 2026-11-27T21:30:00Z --into /var/lib/postgresql/17/restored`,
      )
      .action((options: PitrRestoreOptions) =>
        run(async () => (await actions()).runPitrRestore(io, options))(),
      );
    program
      .command('restore')
      .description('restore an archive made by `tickline backup` into the configured data dir and database')
      .argument('<archive>', 'the .tar.gz written by tickline backup')
      .addOption(configOption())
      .option('--force', 'replace a data dir or database that already holds data')
      .addHelpText(
        'after',
        `
Refused before anything changes: an archive that is not a Tickline backup or fails its checksums,
one made for another database engine or by a newer version, a data dir a running tickline holds,
and (without --force) a data dir or database that already holds data.

Examples:
  tickline restore /backups/tickline.tar.gz
  tickline restore --force /backups/tickline.tar.gz`,
      )
      .action((archive: string, options: RestoreCommandOptions) =>
        run(async () => (await actions()).runRestore(io, archive, options))(),
      );
  };
