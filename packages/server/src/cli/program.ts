/** @module The `tickline` command line: start, config, log, migrate, version. */
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../exit-code.ts';
import { registerBackupCommands } from './backup/backup-command.ts';
import { registerBacktestCommand } from './backtest/backtest-command.ts';
import { registerResearchCommand } from './research/research-command.ts';
import { registerLiveCommand } from './live/live-command.ts';
import { registerBotsCommand } from './bots/bots-command.ts';
import { registerConfigCommand } from './config-command.ts';
import type { CliIo } from './io.ts';
import { registerLogCommand } from './log/log-command.ts';
import { registerMarketCommand } from './market/market-command.ts';
import { registerMigrateCommand } from './migrate/migrate-command.ts';
import { registerKillSwitchCommand } from './risk/risk-command.ts';
import { registerStartCommand } from './start-command.ts';
import { registerVersionCommand, ticklineVersion } from './version-command.ts';

/** The outcome of a run: an exit code, or `running` when `start` keeps the process alive. */
export type CliOutcome = ExitCode | 'running';

/** Builds the program; commands report their exit code through `setExitCode`. */
export function createProgram(io: CliIo, setExitCode: (code: ExitCode | undefined) => void): Command {
  const program = new Command('tickline')
    .description('Tickline: live data in, decisions in memory, durable domain events, live state out.')
    .version(ticklineVersion(), '-V, --version', 'print the version')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Settings come from --config FILE (JSON or YAML) and TICKLINE_* environment variables named after
their path: http.port ↔ TICKLINE_HTTP_PORT. See them all with \`tickline config fields\`.

Examples:
  tickline start
  tickline config print
  tickline log tail --from earliest --no-follow
  tickline migrate status
  tickline start --help`,
    );
  registerStartCommand(program, io, setExitCode);
  registerConfigCommand(program, io, setExitCode);
  registerLogCommand(program, io, setExitCode);
  registerMigrateCommand(program, io, setExitCode);
  registerVersionCommand(program, io, setExitCode);
  registerBotsCommand(program, io, setExitCode);
  registerBackupCommands(program, io, setExitCode);
  registerMarketCommand(program, io, setExitCode);
  registerBacktestCommand(program, io, setExitCode);
  registerResearchCommand(program, io, setExitCode);
  registerLiveCommand(program, io, setExitCode);
  registerKillSwitchCommand(program, io, setExitCode);
  return program;
}

/** Runs the command line `argv` (as in process.argv: node, script, args…). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  let outcome: CliOutcome = ExitCode.Ok;
  const program = createProgram(io, (code) => {
    outcome = code ?? 'running';
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version exit 0; usage mistakes (unknown option, bad choice) are usage errors.
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  return outcome;
}
