/**
 * @module The `tickline` command line of this process: @tickline/cli's program, with the halves of
 * commands that act on this machine's stores, logs and database (each loaded only when its command
 * runs: the store, the sandbox and the log adapters are heavy), and the commands of the process
 * itself, in the order `--help` lists them.
 */
import {
  backtestCommand,
  backupCommands,
  CLI_COMMANDS,
  killSwitchCommand,
  logCommand,
  marketCommand,
  migrateCommand,
  runCli as runCommandLine,
  type CliIo,
  type CliOutcome,
  type RegisterCommand,
} from '@tickline/cli';
import { loadTicklineConfig } from '../config/load.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerStartCommand } from './start-command.ts';

/** Every command, in the order `tickline --help` lists them. */
export const TICKLINE_COMMANDS: readonly RegisterCommand[] = [
  registerStartCommand,
  registerConfigCommand,
  logCommand(async () => {
    const [info, tail] = await Promise.all([import('./log/log-info.ts'), import('./log/log-tail.ts')]);
    return { runLogInfo: info.runLogInfo, runLogTail: tail.runLogTail, runLogReplay: tail.runLogReplay };
  }),
  migrateCommand(() => import('./migrate/migrate-actions.ts')),
  CLI_COMMANDS.version,
  CLI_COMMANDS.login,
  CLI_COMMANDS.strategies,
  CLI_COMMANDS.bots,
  backupCommands(async () => ({
    ...(await import('./backup/backup-action.ts')),
    ...(await import('./backup/restore-action.ts')),
    ...(await import('./backup/list-action.ts')),
    ...(await import('./backup/pitr-actions.ts')),
  })),
  marketCommand(() => import('./market/market-actions.ts')),
  backtestCommand(() => import('./backtest/backtest-actions.ts')),
  CLI_COMMANDS.research,
  CLI_COMMANDS.live,
  CLI_COMMANDS.portfolio,
  CLI_COMMANDS.rooms,
  killSwitchCommand(() => import('./risk/risk-actions.ts')),
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
