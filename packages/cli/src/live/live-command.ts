/**
 * @module `tickline live`: live strategy runs on a running server, over its API — enable, list,
 * show, pause, resume, stop, logs (`--follow`), force-exit, stop-entry, and the parity report.
 */
import type { Command } from 'commander';
import { apiAction, apiOptions, type ApiCommandOptions } from '../api/api-command.ts';
import type { ExitCode } from '../exit-code.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const actions = () => import('./live-run-actions.ts');

export function registerLiveCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const live = program.command('live').description('live strategy runs on a running server');
  const act = <O extends ApiCommandOptions, A extends unknown[]>(
    body: (options: O, ...args: A) => Promise<ExitCode | void>,
  ) => apiAction(io, setExitCode, body);

  apiOptions(
    live
      .command('enable')
      .description('run a strategy version live (paper, or the venue the portfolio is bound to)')
      .requiredOption('--strategy <id>', 'the strategy id (tickline strategies list)')
      .requiredOption('--version <n>', 'the version to run')
      .requiredOption('--feed <symbol:interval>', 'a feed, SYMBOL:INTERVAL (repeatable)', collect)
      .option('--portfolio <id>', 'the portfolio (default: your first)')
      .option('-p, --param <name=value>', 'a strategy parameter (repeatable)', collect)
      .option('--warmup <bars>', 'stored bars to warm up on per feed (default 200)')
      .addHelpText(
        'after',
        '\nExample:\n  tickline live enable --strategy 0192… --version 3 --feed BTC-USDT:1m -p fast=10',
      ),
  ).action(act(async (o) => (await actions()).liveEnable(io, o as never)));

  apiOptions(live.command('list').description('your live runs')).action(
    act(async (o) => (await actions()).liveList(io, o)),
  );
  apiOptions(live.command('show <id>').description('one run: state, pause reason, last signals')).action(
    act(async (o, id: string) => (await actions()).liveShow(io, id, o)),
  );
  apiOptions(live.command('pause <id>').description('pause a run (it decides nothing until resumed)')).action(
    act(async (o, id: string) => (await actions()).liveChange(io, 'pause', id, o)),
  );
  apiOptions(live.command('resume <id>').description('resume a paused run from the next candle')).action(
    act(async (o, id: string) => (await actions()).liveChange(io, 'resume', id, o)),
  );
  apiOptions(live.command('stop <id>').description('stop a run for good (its working orders stay)')).action(
    act(async (o, id: string) => (await actions()).liveStop(io, id, o)),
  );
  apiOptions(
    live
      .command('logs <id>')
      .description("a run's log lines")
      .option('-f, --follow', 'keep printing new lines until Ctrl-C'),
  ).action(
    act(async (o: ApiCommandOptions & { follow?: boolean }, id: string) =>
      (await actions()).liveLogs(io, id, o),
    ),
  );
  apiOptions(
    live
      .command('force-exit <id>')
      .description("close the run's position (one symbol, or all) at market and print the fills")
      .option('--symbol <symbol>', 'only this symbol'),
  ).action(
    act(async (o: ApiCommandOptions & { symbol?: string }, id: string) =>
      (await actions()).liveForceExit(io, id, o),
    ),
  );
  apiOptions(
    live
      .command('stop-entry <id>')
      .description('stop new entries of a run while its exits keep running')
      .option('--off', 'take new entries again'),
  ).action(
    act(async (o: ApiCommandOptions & { off?: boolean }, id: string) =>
      (await actions()).liveStopEntry(io, id, o),
    ),
  );

  live
    .command('parity <id>')
    .description("replay a live paper run's candles through the backtest engine and compare every decision")
    .option('--url <url>', 'the server (default TICKLINE_URL or http://127.0.0.1:8080)')
    .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)')
    .option('--with-version <n>', "replay another version of the strategy (default: the run's)")
    .option('--all', 'print every decision, not only those around the first divergence')
    .option('--json', 'print the report as JSON')
    .option('--latest', "print the platform's latest scheduled check of the run (no new replay, no quota)")
    .addHelpText(
      'after',
      '\nExit code 0 when identical, 1 when the replay diverges.\n\nExamples:\n  tickline live parity u1:0192…\n  tickline live parity u1:0192… --with-version 3 --json\n  tickline live parity u1:0192… --latest',
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
