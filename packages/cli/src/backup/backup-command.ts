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

/** The composer's half: the data dir and the database held while the archive is written or read. */
export interface LocalBackup {
  runBackup(io: CliIo, options: BackupCommandOptions): Promise<void>;
  runRestore(io: CliIo, archive: string, options: RestoreCommandOptions): Promise<void>;
}

/** `backup` and `restore`, through `actions`. */
export const backupCommands =
  (actions: () => Promise<LocalBackup>): RegisterCommand =>
  (program, io, setExitCode) => {
    const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));
    // The store (PGlite, pg) and the log load only when one of these runs.
    program
      .command('backup')
      .description('write the database, the embedded event logs, snapshots and secrets into one archive')
      .addOption(configOption())
      .option('-o, --output <file>', 'archive to write (default: ./tickline-backup-<time>.tar.gz)')
      .addHelpText(
        'after',
        `
The archive is a .tar.gz with manifest.json first (versions, and each file's SHA-256). PostgreSQL
(database.url) is dumped with pg_dump while tickline runs; the embedded database and logs are
locked by a running tickline: stop it first. Progress goes to stderr, the archive path to stdout.

Examples:
  tickline backup --output /backups/tickline.tar.gz
  TICKLINE_DATABASE_URL=postgres://tickline@db/tickline tickline backup`,
      )
      .action((options: BackupCommandOptions) => run(async () => (await actions()).runBackup(io, options))());
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
