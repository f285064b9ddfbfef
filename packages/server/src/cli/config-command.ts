/** @module `tickline config print` and `tickline config fields`. */
import { listConfigFields, redactSecrets } from '@tickline/kernel';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadTicklineConfig } from '../config/load.ts';
import { TicklineConfigSchema } from '../config/schema.ts';
import { configOption, runCommand, type CliIo, type ExitCode } from '@tickline/cli';
import { roleOption, roleOverride } from './options.ts';

/** Adds `config` and its subcommands. */
export function registerConfigCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const config = program
    .command('config')
    .description('show the configuration and its settings')
    .addHelpText(
      'after',
      '\nExamples:\n  tickline config print --config tickline.yaml\n  tickline config fields',
    );
  config
    .command('print')
    .description(
      'print the effective configuration (file + TICKLINE_* environment + defaults), secrets redacted',
    )
    .addOption(configOption())
    .addOption(roleOption())
    .option('--json', 'print JSON instead of YAML')
    .addHelpText(
      'after',
      `
Passwords, tokens and keys print as ***, and so do credentials inside URLs (nats://u:***@host).
An invalid configuration prints the same one-line errors as start and exits 2.

Examples:
  tickline config print
  tickline config print --config tickline.yaml --json
  TICKLINE_EVENTLOG_ENGINE=nats tickline config print`,
    )
    .action(async (options: { config?: string; role?: string; json?: boolean }) => {
      setExitCode(
        await runCommand(io, async () => {
          const loaded = loadTicklineConfig({
            env: io.env,
            overrides: roleOverride(options.role),
            ...(options.config ? { file: options.config } : {}),
          });
          const shown = redactSecrets(loaded);
          io.out(options.json ? `${JSON.stringify(shown, null, 2)}\n` : stringify(shown));
        }),
      );
    });
  config
    .command('fields')
    .description('list every setting: its environment variable, default and what it accepts')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      "\nExamples:\n  tickline config fields\n  tickline config fields --json | jq '.[].env'",
    )
    .action(async (options: { json?: boolean }) => {
      setExitCode(
        await runCommand(io, async () => {
          const fields = listConfigFields(TicklineConfigSchema, 'TICKLINE');
          if (options.json) {
            io.out(`${JSON.stringify(fields, null, 2)}\n`);
            return;
          }
          for (const field of fields) {
            const fallback = field.default === undefined ? 'unset' : JSON.stringify(field.default);
            io.out(`${field.key}  (${field.env}, default ${fallback})\n  ${field.allowed}`);
            io.out(field.description ? `. ${field.description}\n` : '\n');
          }
        }),
      );
    });
}
