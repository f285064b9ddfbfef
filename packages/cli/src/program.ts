/**
 * @module The `tickline` command line: the program, its help and exit codes, and the commands that
 * need only a running server's API (bots, research, live). The process that composes it adds its
 * own commands (start, config, log, migrate, backup, market, backtest, kill-switch) in order.
 */
import { Command, CommanderError } from 'commander';
import { registerBotsCommand } from './bots/bots-command.ts';
import { ExitCode } from './exit-code.ts';
import type { CliIo } from './io.ts';
import { registerLiveCommand } from './live/live-command.ts';
import { registerLoginCommand } from './login/login-command.ts';
import { registerPortfolioCommands } from './portfolio/portfolio-command.ts';
import { registerStrategiesCommand } from './strategies/strategies-command.ts';
import { registerResearchCommand } from './research/research-command.ts';
import { registerRoomsCommand } from './rooms/rooms-command.ts';
import { registerVersionCommand, ticklineVersion } from './version-command.ts';

/** The outcome of a run: an exit code, or `running` when `start` keeps the process alive. */
export type CliOutcome = ExitCode | 'running';

/** Adds one command (or a group) to the program; it reports its exit code through `setExitCode`. */
export type RegisterCommand = (
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode | undefined) => void,
) => void;

/** The commands of this package, by name, for the composer to place among its own. */
export const CLI_COMMANDS = {
  version: registerVersionCommand,
  login: registerLoginCommand,
  strategies: registerStrategiesCommand,
  bots: registerBotsCommand,
  research: registerResearchCommand,
  live: registerLiveCommand,
  portfolio: registerPortfolioCommands,
  rooms: registerRoomsCommand,
} as const satisfies Record<string, RegisterCommand>;

/** Builds the program with `commands`, in that order (the order `--help` lists them). */
export function createProgram(
  io: CliIo,
  setExitCode: (code: ExitCode | undefined) => void,
  commands: readonly RegisterCommand[],
): Command {
  const program = new Command('tickline')
    .description('Tickline: live data in, decisions in memory, durable domain events, live state out.')
    .version(ticklineVersion(), '-V, --version', 'print the version')
    // The program's own options only before a command: `live enable --version 3` and
    // `research run --version 3` are the strategy's version, not this program's.
    .enablePositionalOptions()
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
  for (const register of commands) register(program, io, setExitCode);
  return program;
}

/** Runs the command line `argv` (as in process.argv: node, script, args…) with `commands`. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly RegisterCommand[] = Object.values(CLI_COMMANDS),
): Promise<CliOutcome> {
  let outcome: CliOutcome = ExitCode.Ok;
  const program = createProgram(
    io,
    (code) => {
      outcome = code ?? 'running';
    },
    commands,
  );
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version exit 0; usage mistakes (unknown option, bad choice) are usage errors.
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  return outcome;
}
