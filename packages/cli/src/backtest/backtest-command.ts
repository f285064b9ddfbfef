/**
 * @module `tickline backtest`: run a strategy file over stored candles on this machine, or on the
 * running server that holds them.
 */
import { badArgument } from '../cli-errors.ts';
import { runCommand } from '../command-errors.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';
import type { BacktestCommandOptions } from './backtest-args.ts';
import { runBacktestRerun, type BacktestRerunOptions } from './backtest-rerun.ts';

/** The composer's half: a backtest on this machine's store, or on the server that holds it. */
export interface LocalBacktest {
  runBacktestCommand(io: CliIo, options: BacktestCommandOptions): Promise<void>;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `backtest`, running through `local` (loaded when a backtest runs: the sandbox and the store are heavy). */
export const backtestCommand =
  (actions: () => Promise<LocalBacktest>): RegisterCommand =>
  (program, io, setExitCode) => {
    const backtest = program
      .command('backtest')
      .description('run a strategy over stored candles in the sandbox and print its metrics')
      .addOption(configOption())
      // Checked in the action, not by commander: a required option here would be required of
      // `backtest rerun` too.
      .option('--strategy <file>', 'strategy source (.ts or .js) written against the strategy API (required)')
      .option(
        '--feed <symbol:interval[:venue]>',
        'a feed, e.g. BTC-USDT:1h or BTC-USDT:1h:binance (repeatable: a multi-feed backtest)',
        collect,
      )
      .option('--symbol <symbol>', 'deprecated: use --feed SYMBOL:INTERVAL')
      .option('--interval <interval>', 'deprecated: use --feed SYMBOL:INTERVAL')
      .option('--from <time>', 'first open time: ISO date or epoch ms (required)')
      .option('--to <time>', 'end (exclusive): ISO date or epoch ms (required)')
      .option('--exchange <name>', 'deprecated: name the venue in the feed, --feed SYMBOL:INTERVAL:VENUE')
      .option('-p, --param <name=value>', 'a strategy parameter (repeatable)', collect)
      .option('--capital <amount>', 'starting capital (default 10000)')
      .option('--fee <fraction>', 'maker and taker fee as a fraction (default 0.001)')
      .option('--memory-mb <mb>', 'sandbox memory limit')
      .option('--cpu-ms <ms>', 'sandbox CPU-time limit')
      .option('--json', 'print metrics and trades as JSON (progress stays on standard error)')
      .option(
        '--url <url>',
        'run on this server (default TICKLINE_URL; else, while a server holds the data directory, its http.port)',
      )
      .option('--token <credential>', 'an access token or API key for that server (default TICKLINE_TOKEN)')
      .option(
        '--timeout <seconds>',
        'on a server: cancel the run when it has not ended after this long (default 1800)',
      )
      .addHelpText(
        'after',
        `
Candles come from the configured store: load them first with \`tickline market import\` or
\`tickline market backfill\`. With --url or TICKLINE_URL, or while \`tickline start\` holds the data
directory, the run goes to that server: the file is saved as your strategy named after it (a new version only when
the code changed), the backtest is queued there and followed; Ctrl-C cancels it. That needs --token.

Example:
  tickline backtest --strategy sma.ts --feed BTC-USDT:1h --from 2024-01-01 --to 2024-07-01 -p fast=10
  tickline backtest --strategy spread.ts --feed BTC-USDT:1h --feed ETH-USDT:1h --from 2024-01-01 --to 2024-07-01
  tickline backtest --strategy sma.ts --feed BTC-USDT:1h:binance --from 2024-01-01 --to 2024-07-01 --url http://127.0.0.1:8080

On a server it prints the ids it made (strategy, version, backtest), which
\`tickline research run --strategy ID --version N\` and \`tickline live enable\` take.`,
      )
      .action(async (options: BacktestCommandOptions) =>
        setExitCode(
          await runCommand(io, async () => {
            for (const [name, value] of [
              ['--strategy <file>', options.strategy],
              ['--from <time>', options.from],
              ['--to <time>', options.to],
            ] as const)
              if (value === undefined) throw badArgument(`required option '${name}' not specified`);
            await (await actions()).runBacktestCommand(io, options);
          }),
        ),
      );
    backtest
      .command('rerun <id>')
      .description('run a backtest again on the server on the data it read, and say whether it reproduced it')
      .option('--json', 'print the metrics, the pinned data and the comparison as JSON')
      .option('--url <url>', 'the server (default TICKLINE_URL, else `tickline login`)')
      .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)')
      .option('--timeout <seconds>', 'cancel the run when it has not ended after this long (default 1800)')
      .addHelpText(
        'after',
        `
The re-run reads the candles as of the data version the first run pinned, with the same code
version, parameters, settings and adjustment: it reproduces the first report even after a
correction was downloaded (exit 0), and names the versions that changed the data since. It exits
1 when it did not reproduce (data recorded before the pin, e.g. collected candles corrected since).

Example:
  tickline backtest rerun 0193c5d2-8f1e-7c41-9a3e-2b6f0d1e4a57`,
      )
      .action(async (id: string, options: BacktestRerunOptions) =>
        setExitCode(await runCommand(io, async () => (await runBacktestRerun(io, id, options)) as ExitCode)),
      );
  };
