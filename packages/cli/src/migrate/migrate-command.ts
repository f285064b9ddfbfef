/** @module `tickline migrate [up|status]`: bring the configured database to the current schema, or report it. */
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';

/** Options of both subcommands. */
export interface MigrateCommandOptions {
  config?: string;
  json?: boolean;
}

/** The composer's half: the configured database, its migrations applied or listed. */
export interface LocalMigrate {
  runMigrateUp(io: CliIo, options: MigrateCommandOptions): Promise<void>;
  runMigrateStatus(io: CliIo, options: MigrateCommandOptions): Promise<void>;
}

/** `migrate` with `up` (the default) and `status`, through `actions` (the store loads only then). */
export const migrateCommand =
  (actions: () => Promise<LocalMigrate>): RegisterCommand =>
  (program, io, setExitCode) => {
    const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));
    const migrate = program
      .command('migrate')
      .description(
        'apply or list the database migrations (PostgreSQL at database.url, else the embedded PGlite)',
      )
      .addHelpText(
        'after',
        `
The embedded database migrates itself at start; use \`migrate up\` for PostgreSQL (or set
database.migrateOnStart). Several processes migrating one database at once apply each migration once.
The embedded database is locked while a tickline runs there: stop it first.

Examples:
  tickline migrate status
  TICKLINE_DATABASE_URL=postgres://tickline@db/tickline tickline migrate up`,
      );
    migrate
      .command('up', { isDefault: true })
      .description('apply every pending migration, each in its own transaction')
      .addOption(configOption())
      .option('--json', 'print JSON')
      .action((options: { config?: string; json?: boolean }) =>
        run(async () => (await actions()).runMigrateUp(io, options))(),
      );
    migrate
      .command('status')
      .description('list applied, pending and changed migrations without changing anything')
      .addOption(configOption())
      .option('--json', 'print JSON')
      .action((options: { config?: string; json?: boolean }) =>
        run(async () => (await actions()).runMigrateStatus(io, options))(),
      );
  };
