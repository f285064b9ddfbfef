/** @module `tickline research run|status|cancel|use`: research jobs on a running server, over its API. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-code.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerResearchCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const actions = async () => import('./research-actions.ts');
  const api = (c: Command): Command =>
    c
      .option('--url <url>', 'the server (default TICKLINE_URL or http://127.0.0.1:8080)')
      .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)');
  const research = program
    .command('research')
    .description('look-ahead check, walk-forward and parameter search on a running server')
    .addHelpText(
      'after',
      '\nExamples:\n  tickline research run --kind lookahead --strategy <id> --feed BTC-USDT:1m --from 2026-01-01 --to 2026-01-02',
    );
  api(
    research
      .command('run')
      .description('queue a research run and follow its progress to the report')
      .requiredOption('--kind <kind>', 'lookahead, walk-forward or search')
      .requiredOption('--strategy <id>', 'strategy id')
      .option('--version <n>', 'strategy version (default: the latest)')
      .requiredOption(
        '--feed <symbol:interval[:exchange]>',
        'a feed (repeatable; the first drives windows)',
        collect,
      )
      .requiredOption('--from <time>', 'first open time: ISO date or epoch ms')
      .requiredOption('--to <time>', 'end (exclusive): ISO date or epoch ms')
      .option('--grid <name=v1,v2,...>', 'parameter values to try (repeatable)', collect)
      .option('-p, --param <name=value>', 'a fixed strategy parameter (repeatable)', collect)
      .option('--objective <name>', 'sharpe, sortino, calmar, totalReturn or profitFactor')
      .option('--in-sample <bars>', 'walk-forward in-sample bars')
      .option('--out-sample <bars>', 'walk-forward out-of-sample bars')
      .option('--step <bars>', 'walk-forward step (default: out-of-sample bars)')
      .option(
        '--warmup <bars>',
        "walk-forward: bars before each window its runs see as warm-up (as a live run's warmupBars)",
      )
      .option('--points <n>', 'look-ahead cut points (default 20)')
      .option('--samples <n>', 'search: random search of this many sets drawn from the grid')
      .option('--seed <n>', 'search: seed of the random draw (default 1)')
      .option(
        '--prior-trials <n>',
        'walk-forward, search: sets or variants already tried on this data elsewhere; the deflated Sharpe ratio counts them',
      )
      .option('--no-wait', 'print the run id and return at once')
      .option('--poll-ms <ms>', 'how often progress is read (default 500)')
      .option('--json', 'print the whole report as JSON (progress stays on standard error)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  tickline research run --kind walk-forward --strategy <id> --feed BTC-USDT:1h \\
    --from 2025-01-01 --to 2025-07-01 --grid fast=5,10,20 --grid slow=50,100 --in-sample 1000 --out-sample 250
  tickline research run --kind search --strategy <id> --feed BTC-USDT:1h --from 2025-01-01 --to 2025-07-01 --grid fast=5,10 --json`,
    )
    .action(async (options) =>
      setExitCode(
        await runCommand(
          io,
          async () => (await (await actions()).runResearchCommand(io, options)) as ExitCode,
        ),
      ),
    );
  api(
    research
      .command('status <id>')
      .description('print a research run and its report')
      .option('--json', 'as JSON'),
  )
    .addHelpText('after', '\nExample:\n  tickline research status 0192…')
    .action(async (id: string, options) =>
      setExitCode(
        await runCommand(
          io,
          async () => (await (await actions()).researchStatusCommand(io, id, options)) as ExitCode,
        ),
      ),
    );
  api(
    research
      .command('use <id>')
      .description("use one parameter set of a research report: save it as the strategy's next version")
      .option('--rank <n>', 'the set by its rank in the report (default 1: the best)')
      .option('--backtest', 'queue a backtest of the set on the research feeds and range instead')
      .option('--json', 'as JSON'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  tickline research use 0192…            # the best set as the next version\n  tickline research use 0192… --rank 2 --backtest',
    )
    .action(async (id: string, options) =>
      setExitCode(
        await runCommand(
          io,
          async () => (await (await actions()).researchUseCommand(io, id, options)) as ExitCode,
        ),
      ),
    );
  api(research.command('cancel <id>').description('cancel a queued or running research run'))
    .addHelpText('after', '\nExample:\n  tickline research cancel 0192…')
    .action(async (id: string, options) =>
      setExitCode(
        await runCommand(
          io,
          async () => (await (await actions()).researchCancelCommand(io, id, options)) as ExitCode,
        ),
      ),
    );
}
