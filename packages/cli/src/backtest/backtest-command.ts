/**
 * @module `tickline backtest`: run a strategy file over stored candles on this machine, or on the
 * running server that holds them.
 */
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';
import type { BacktestCommandOptions } from './backtest-args.ts';

/** The composer's half: a backtest on this machine's store, or on the server that holds it. */
export interface LocalBacktest {
  runBacktestCommand(io: CliIo, options: BacktestCommandOptions): Promise<void>;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `backtest`, running through `local` (loaded when a backtest runs: the sandbox and the store are heavy). */
export const backtestCommand =
  (actions: () => Promise<LocalBacktest>): RegisterCommand =>
  (program, io, setExitCode) => {
    program
      .command('backtest')
      .description('run a strategy over stored candles in the sandbox and print its metrics')
      .addOption(configOption())
      .requiredOption('--strategy <file>', 'strategy source (.ts or .js) written against the strategy API')
      .option(
        '--feed <symbol:interval[:venue]>',
        'a feed, e.g. BTC-USDT:1h or BTC-USDT:1h:binance (repeatable: a multi-feed backtest)',
        collect,
      )
      .option('--symbol <symbol>', 'deprecated: use --feed SYMBOL:INTERVAL')
      .option('--interval <interval>', 'deprecated: use --feed SYMBOL:INTERVAL')
      .requiredOption('--from <time>', 'first open time: ISO date or epoch ms')
      .requiredOption('--to <time>', 'end (exclusive): ISO date or epoch ms')
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
        setExitCode(await runCommand(io, async () => (await actions()).runBacktestCommand(io, options))),
      );
  };
