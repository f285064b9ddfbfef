/** @module `tickline live parity <id>`: a live run's parity report from a running server, over its API. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-code.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';

export function registerLiveCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const live = program.command('live').description('live strategy runs on a running server');
  live
    .command('parity <id>')
    .description("replay a live paper run's candles through the backtest engine and compare every decision")
    .option('--url <url>', 'the server (default TICKLINE_URL or http://127.0.0.1:8080)')
    .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)')
    .option('--with-version <n>', "replay another version of the strategy (default: the run's)")
    .option('--all', 'print every decision, not only those around the first divergence')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExit code 0 when identical, 1 when the replay diverges.\n\nExamples:\n  tickline live parity u1:0192…\n  tickline live parity u1:0192… --with-version 3 --json',
    )
    .action(async (id: string, options) =>
      setExitCode(
        await runCommand(
          io,
          async () =>
            (await (await import('./live-actions.ts')).liveParityCommand(io, id, options)) as ExitCode,
        ),
      ),
    );
}
