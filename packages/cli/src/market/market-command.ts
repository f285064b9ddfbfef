/**
 * @module `tickline market import FILE` and `tickline market backfill`: history into the candle store;
 * `tickline market uploads [delete ID]`: the imported history a server holds, and taking it out;
 * `tickline market download`: a venue's public klines into the server's shared history (any user);
 * `tickline market versions SYMBOL` and `tickline market actions SYMBOL`: data versions and
 * corporate actions (version-actions.ts); `tickline market list`: the markets with a share's
 * exchange and session (list-actions.ts); `tickline market archive [--run]`: the archive tier
 * (archive-actions.ts).
 */
import { type Command, Option } from 'commander';
import type { ApiOptions } from '../api/api-client.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';
import { deleteUploadCommand, listUploadsCommand, type UploadsOptions } from './upload-actions.ts';
import { runMarketDownload, type MarketDownloadOptions } from './download-actions.ts';
import { listMarketsCommand, type MarketListOptions } from './list-actions.ts';
import { archiveCommand, type ArchiveOptions } from './archive-actions.ts';
import {
  actionsCommand,
  listVersionsCommand,
  type ActionsOptions,
  type VersionsOptions,
} from './version-actions.ts';

export interface MarketImportOptions extends ApiOptions {
  config?: string;
  /** An upload to continue (over the API only). */
  resume?: string;
  symbol?: string;
  interval?: string;
  exchange?: string;
  json?: boolean;
}

export interface MarketBackfillOptions extends ApiOptions {
  config?: string;
  source: string;
  symbol: string;
  interval: string;
  from: string;
  to: string;
  restUrl?: string;
  json?: boolean;
}

/** `--url`: import and backfill send their candles through this server instead of the data directory. */
const serverUrlOption = () =>
  new Option(
    '--url <url>',
    'send the candles to this server (default TICKLINE_URL; else, while a server holds the data directory, its http.port)',
  );
const adminTokenOption = () =>
  new Option(
    '--token <credential>',
    "an admin's access token or API key for that server (default TICKLINE_TOKEN)",
  );

/** The composer's half: history into this machine's store, or through the server that holds it. */
export interface LocalMarket {
  runMarketImport(io: CliIo, file: string, options: MarketImportOptions): Promise<void>;
  runMarketBackfill(io: CliIo, options: MarketBackfillOptions): Promise<void>;
}

/** `market`, importing through `actions` (loaded when an import runs: the store and the sources). */
export const marketCommand =
  (actions: () => Promise<LocalMarket>): RegisterCommand =>
  (program, io, setExitCode) => {
    const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));
    const market = program.command('market').description('load historical candles into the candle store');
    market
      .command('import')
      .description("load a Binance kline CSV (data.binance.vision's layout) into the candle store")
      .argument('<file>', 'CSV file, e.g. BTCUSDT-1h-2024-01.csv')
      .addOption(configOption())
      .option('--symbol <symbol>', 'canonical symbol (default: from the file name), e.g. BTC-USDT')
      .option('--interval <interval>', 'candle interval (default: from the file name)')
      .option('--exchange <name>', 'exchange the candles are stored under', 'binance')
      .option('--json', 'print JSON')
      .addOption(serverUrlOption())
      .addOption(adminTokenOption())
      .option('--resume <upload-id>', 'continue an upload the server holds part of')
      .addHelpText(
        'after',
        "\nWith --url or TICKLINE_URL, or while `tickline start` holds the data directory, the file goes through that server's upload API (an admin's --token); otherwise into the data directory of this config.\nImported candles are kept whatever their age (market.retention.candlesMs applies to recorded candles only) until their upload is deleted (DELETE /api/v1/history/uploads/{id} with the id an upload prints, or the dashboard's list of uploads); candles stored straight into the data directory belong to no upload.\n\nExample:\n  tickline market import BTCUSDT-1h-2025-06.csv",
      )
      .action((file: string, options: MarketImportOptions) =>
        run(async () => (await actions()).runMarketImport(io, file, options))(),
      );
    market
      .command('backfill')
      .description("fetch closed candles over the venue's REST API into the candle store")
      .addOption(configOption())
      .requiredOption('--source <source>', 'venue (binance)')
      .requiredOption('--symbol <symbol>', 'canonical symbol, e.g. BTC-USDT')
      .requiredOption('--interval <interval>', 'candle interval (1m and longer)')
      .requiredOption('--from <time>', 'first open time: ISO date or epoch ms')
      .requiredOption('--to <time>', 'end (exclusive): ISO date or epoch ms')
      .option('--rest-url <url>', "the venue's REST base URL (default: the venue's public API)")
      .option('--json', 'print JSON')
      .addOption(serverUrlOption())
      .addOption(adminTokenOption())
      .addHelpText(
        'after',
        '\nExample:\n  tickline market backfill --source binance --symbol BTC-USDT --interval 1h --from 2024-01-01 --to 2024-02-01',
      )
      .action((options: MarketBackfillOptions) =>
        run(async () => (await actions()).runMarketBackfill(io, options))(),
      );
    market
      .command('download')
      .description(
        "fetch a venue's public klines into the server's shared history (any signed-in user, within the tier's daily quota)",
      )
      .argument('[feed]', 'SYMBOL:INTERVAL:VENUE, e.g. BTC-USDT:1h:binance (or the flags below)')
      .addOption(configOption())
      .option('--symbol <symbol>', 'canonical symbol, e.g. BTC-USDT')
      .option('--interval <interval>', 'candle interval: 1m, 5m, 15m, 1h or 1d')
      .option(
        '--venue <venue>',
        'binance, coinbase, upbit, alpaca (US shares) or kis (KRX shares, 1d) (default binance)',
      )
      .requiredOption('--from <time>', 'first open time: ISO date or epoch ms')
      .requiredOption('--to <time>', 'end (exclusive): ISO date or epoch ms')
      .option('--json', 'print JSON')
      .option('--url <url>', "the server (default TICKLINE_URL; else this config's http.port on localhost)")
      .option('--token <credential>', 'your access token or API key (default TICKLINE_TOKEN)')
      .addHelpText(
        'after',
        "\nThe server fetches the range's UTC days from the venue's public REST API one day at a time and keeps them for every user: days already held cost no venue call and no quota. Progress is drawn on standard error; the summary goes to standard output. If it stops (the venue refused, the server restarted), run the same command again: it resumes where it stopped.\n\nExample:\n  tickline market download --symbol BTC-USDT --interval 1h --venue binance --from 2025-01-01 --to 2025-02-01\n  tickline market download BTC-USDT:1h:binance --from 2025-01-01 --to 2025-02-01\n  tickline market download AAPL.US:1h:alpaca --from 2025-06-02 --to 2025-06-07\n  tickline market download 005930.KS:1d:kis --from 2025-01-01 --to 2025-07-01\n\nalpaca and kis read with the account of the server's alpaca or kis source (market.sources); kis serves daily bars only.",
      )
      .action(async (feed: string | undefined, options: MarketDownloadOptions) =>
        setExitCode(await runCommand(io, () => runMarketDownload(io, feed, options))),
      );
    const serverOptions = (command: Command): Command =>
      command
        .addOption(configOption())
        .option('--json', 'print JSON')
        .option('--url <url>', "the server (default TICKLINE_URL; else this config's http.port on localhost)")
        .option('--token <credential>', "an admin's access token or API key (default TICKLINE_TOKEN)");
    const uploads = serverOptions(
      market
        .command('uploads')
        .description('list the history uploads you made to the server, newest first')
        .option('--limit <n>', 'at most this many (1-200)', '50'),
    )
      .addHelpText(
        'after',
        '\nImported candles stay, whatever their age, until their upload is deleted:\n  tickline market uploads delete <id>',
      )
      .action((options: UploadsOptions) => run(async () => listUploadsCommand(io, options))());
    serverOptions(
      uploads
        .command('delete')
        .description('delete an upload and the candles it stored (recorded candles stay)')
        .argument('<id>', 'the upload id `market import` and `market uploads` print'),
    ).action((id: string, _options: UploadsOptions, command: Command) =>
      // `uploads` declares the same options, and commander gives them to it: read both levels.
      run(async () => deleteUploadCommand(io, id, command.optsWithGlobals()))(),
    );
    serverOptions(
      market
        .command('list')
        .description("the server's markets: venues, last price, a share's exchange, currency and session"),
    )
      .addHelpText(
        'after',
        "\nA share's session is told in its exchange's zone: `Open · closes 16:00 ET`, `Closed · opens Mon 09:00 KST`\n(with the holiday's name); a crypto pair is 24/7.\n\nExample:\n  tickline market list",
      )
      .action((options: MarketListOptions) => run(async () => listMarketsCommand(io, options))());
    serverOptions(
      market
        .command('archive')
        .description('the months of recorded candles moved from SQL to Parquet files, and the size saved (admin)')
        .option('--run', 'archive now (with partition maintenance), then show the archive')
        .option('--symbol <symbol>', "only this symbol's files")
        .option('--limit <n>', 'files listed at most (1-1000; the totals count all)'),
    )
      .addHelpText(
        'after',
        '\nArchiving is on with market.archive.enabled: months of recorded candles older than\nmarket.archive.afterDays go to one Parquet file per exchange, symbol, interval and month under\nmarket.archive.dir, and charts, the candles API and backtests read them back as before.\n\nExample:\n  tickline market archive --run',
      )
      .action((options: ArchiveOptions) => run(async () => archiveCommand(io, options))());
    serverOptions(
      market
        .command('versions')
        .description("a symbol's data versions, newest first: every import, download and deletion of its history")
        .argument('<symbol>', 'e.g. 005930.KS')
        .option('--interval <interval>', 'only versions that touched this interval')
        .option('--limit <n>', 'at most this many (1-1000)'),
    ).action((symbol: string, options: VersionsOptions) => run(async () => listVersionsCommand(io, symbol, options))());
    serverOptions(
      market
        .command('actions')
        .description("a symbol's splits and cash dividends; with --fetch or --import, store them (admin)")
        .argument('<symbol>', 'e.g. AAPL.US')
        .option('--fetch', "ask the symbol's provider (the configured Alpaca source) for ex dates in --start..--end")
        .option('--start <date>', 'first ex date, YYYY-MM-DD')
        .option('--end <date>', 'last ex date, YYYY-MM-DD')
        .option('--import <file>', 'a JSON list: [{"kind":"split","exDate":"2025-06-02","ratio":4}, {"kind":"dividend","exDate":…,"amount":0.25}]')
        .option('--source <name>', 'what the imported actions name as their source (default import)'),
    )
      .addHelpText(
        'after',
        `
Candles are read raw or adjusted: GET /markets/{symbol}/candles?adjust=split|total, and a
backtest's adjust. A split the stored prices contradict is stored flagged and not applied.

Example:
  tickline market actions AAPL.US --fetch --start 2020-01-01 --end 2020-12-31
  tickline market actions 005930.KS --import samsung-actions.json`,
      )
      .action((symbol: string, options: ActionsOptions) => run(async () => actionsCommand(io, symbol, options))());
  };
