/**
 * @module The `tickline` command line of this process: @tickline/cli's program with the commands
 * that need the process, its config or its stores, in the order `--help` lists them.
 */
import { CLI_COMMANDS, runCli as runCommandLine, type CliIo, type CliOutcome, type RegisterCommand } from '@tickline/cli';
import { loadTicklineConfig } from '../config/load.ts';
import { registerBackupCommands } from './backup/backup-command.ts';
import { registerBacktestCommand } from './backtest/backtest-command.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerLogCommand } from './log/log-command.ts';
import { registerMarketCommand } from './market/market-command.ts';
import { registerMigrateCommand } from './migrate/migrate-command.ts';
import { registerKillSwitchCommand } from './risk/risk-command.ts';
import { registerStartCommand } from './start-command.ts';

/** Every command, in the order `tickline --help` lists them. */
export const TICKLINE_COMMANDS: readonly RegisterCommand[] = [
  registerStartCommand,
  registerConfigCommand,
  registerLogCommand,
  registerMigrateCommand,
  CLI_COMMANDS.version,
  CLI_COMMANDS.bots,
  registerBackupCommands,
  registerMarketCommand,
  registerBacktestCommand,
  CLI_COMMANDS.research,
  CLI_COMMANDS.live,
  registerKillSwitchCommand,
];

/** `io` with the config's HTTP port, where API commands find this machine's server. */
export function withConfiguredPort(io: CliIo): CliIo {
  return {
    ...io,
    configuredPort: (file) => loadTicklineConfig({ env: io.env, ...(file ? { file } : {}) }).http.port,
  };
}

/** Runs the command line `argv` (as in process.argv: node, script, args…). */
export function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  return runCommandLine(argv, withConfiguredPort(io), TICKLINE_COMMANDS);
}
