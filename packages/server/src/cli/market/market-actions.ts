/**
 * @module What `tickline market import` and `tickline market backfill` do: closed candles into
 * the configured store's imported history (the market's `importCandles`, which retention never
 * drops; written by no upload, so deleting an upload leaves them), with progress on standard
 * error and a summary on standard output. A server named with `--url` or TICKLINE_URL gets them
 * through its upload API instead, as does the one holding the data directory (STORE_LOCKED).
 */
import { createInterface } from 'node:readline';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import {
  BINANCE_REST_URL,
  binanceDialect,
  isMarketCsvRowInvalidError,
  klineFileName,
  parseKlineLine,
  bucketStart,
  INTERVAL_MS,
  isCandleInterval,
  importCandles,
  type Candle,
  type CandleInterval,
  openKlineText,
  rollUpMinutes,
} from '@tickline/market';
import type { Sql } from '@tickline/store';
import { loadTicklineConfig } from '../../config/load.ts';
import { openMigratedSql } from '../../bootstrap/open-sql.ts';
import { databaseLocation } from '../../wiring/database.ts';
import {
  badArgument,
  CliError,
  importFileOverApi,
  progressBar,
  serverApi,
  uploadCandlesOverApi,
  type ApiOptions,
  type CliIo,
  type ImportSummary,
  type MarketBackfillOptions,
  type MarketImportOptions,
} from '@tickline/cli';
import { isStoreLockedError } from '@tickline/store';

/** Rows stored per transaction. */
const BATCH = 5_000;
/** One REST page of 1m klines (Binance's limit). */
const PAGE_MINUTES = 1_000;

/** A bad row is a bad argument of the command (exit code 2), as any other input it was given. */
function kline(...args: Parameters<typeof parseKlineLine>): ReturnType<typeof parseKlineLine> {
  try {
    return parseKlineLine(...args);
  } catch (error) {
    if (isMarketCsvRowInvalidError(error)) throw badArgument((error as Error).message);
    throw error;
  }
}

/** An ISO date-time or epoch milliseconds. */
export function parseInstant(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw badArgument(`${name}: expected an ISO date or epoch milliseconds, got ${text}`);
  return ms;
}

function intervalOf(text: string | undefined): CandleInterval {
  if (text === undefined || !isCandleInterval(text)) {
    throw badArgument(
      `--interval: expected one of ${Object.keys(INTERVAL_MS).join(', ')}, got ${String(text)}`,
    );
  }
  return text;
}

/** Where {@link withCandleStore} opened the store. */
export interface CandleStoreInfo {
  /** The database, as `tickline start` logs it. */
  where: string;
}

/**
 * Opens the configured database the way `tickline start` does: the embedded one migrates to the
 * whole module set, PostgreSQL only with `database.migrateOnStart` (else pending migrations fail).
 */
export async function withCandleStore<T>(
  io: CliIo,
  configFile: string | undefined,
  body: (sql: Sql, store: CandleStoreInfo) => Promise<T>,
): Promise<T> {
  const config = loadTicklineConfig({ env: io.env, ...(configFile ? { file: configFile } : {}) });
  const sql = await openMigratedSql(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  try {
    return await body(sql, { where: databaseLocation(config).text });
  } finally {
    await sql.close();
  }
}

/**
 * Runs `remote` through the API of the server the user named (`--url`, TICKLINE_URL), else
 * `local` on the configured candle store, or `remote` after all when a running server holds that
 * store (STORE_LOCKED); either way prints the summary. A named server is never second to the
 * local store: with TICKLINE_URL pointing at a server whose data directory is not this shell's
 * `./data`, a local import would fill a database nobody reads and report every candle stored.
 */
async function intoHistory(
  io: CliIo,
  options: { config?: string | undefined; json?: boolean | undefined } & ApiOptions,
  local: (store: (candles: readonly Candle[]) => Promise<number>) => Promise<ImportSummary>,
  remote: (api: ApiOptions, why: string) => Promise<ImportSummary>,
): Promise<void> {
  let result: ImportSummary;
  const named = options.url ?? io.env.TICKLINE_URL;
  if (named !== undefined) {
    result = await remote(options, `uploading to the server at ${named}`);
  } else {
    try {
      result = await withCandleStore(io, options.config, async (sql, { where }) => {
        io.err(`storing into ${where}\n`);
        return local((candles) => sql.transaction((tx) => importCandles(tx, candles, null)));
      });
    } catch (error) {
      if (!isStoreLockedError(error)) throw error;
      const api = serverApi(io, options.config, options);
      result = await remote(api, `the server holds the data directory: uploading through ${api.url}`);
    }
  }
  report(io, options.json, result);
}

/** `market import FILE`. */
export async function runMarketImport(io: CliIo, file: string, options: MarketImportOptions): Promise<void> {
  const fromName = klineFileName(file.replace(/\.gz$/, ''));
  const symbol = options.symbol ?? fromName.symbol;
  if (symbol === undefined)
    throw badArgument('--symbol is needed: the file name does not say it (BTCUSDT-1h-2024-01.csv does)');
  const interval = intervalOf(options.interval ?? fromName.interval);
  const target = { symbol, interval, exchange: options.exchange ?? 'binance' };
  const local = async (store: (candles: readonly Candle[]) => Promise<number>): Promise<ImportSummary> => {
    const { stream, size } = await openKlineText(file);
    const bar = progressBar(io, `import ${symbol} ${interval}`);
    let stored = 0;
    let rows = 0;
    let bytes = 0;
    let batch: Candle[] = [];
    let first: number | undefined;
    let last: number | undefined;
    const flush = async () => {
      stored += await store(batch);
      batch = [];
    };
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      const candle = kline(line, lineNo, target);
      if (candle === null) continue;
      rows++;
      first = Math.min(first ?? candle.openTime, candle.openTime);
      last = Math.max(last ?? candle.openTime, candle.openTime);
      batch.push(candle);
      if (batch.length >= BATCH) {
        await flush();
        bar.update(Math.min(bytes, size), size);
      }
    }
    await flush();
    bar.update(size, size);
    bar.finish();
    return { symbol, interval, exchange: target.exchange, rows, stored, first, last };
  };
  await intoHistory(io, options, local, async (api, why) =>
    importFileOverApi(io, file, await openKlineText(file), target, { ...api, resume: options.resume }, why),
  );
}

function report(io: CliIo, json: boolean | undefined, r: ImportSummary): void {
  const range = {
    from: r.first === undefined ? null : new Date(r.first).toISOString(),
    to: r.last === undefined ? null : new Date(r.last).toISOString(),
  };
  if (json) {
    io.out(
      `${JSON.stringify({ symbol: r.symbol, interval: r.interval, exchange: r.exchange, candles: r.rows, stored: r.stored, ...range, upload: r.uploadId ?? null })}\n`,
    );
    return;
  }
  io.out(
    `symbol    ${r.symbol} (${r.exchange})\ninterval  ${r.interval}\ncandles   ${r.rows} read, ${r.stored} stored\nrange     ${range.from ?? '-'} .. ${range.to ?? '-'}\n`,
  );
  // Through a server the candles are an upload's: its id is what `market uploads delete` takes.
  if (r.uploadId !== undefined) io.out(`upload    ${r.uploadId}\n`);
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok)
    throw new CliError('SERVER_INVALID_ARGUMENT', `GET ${new URL(url).pathname} answered ${response.status}`);
  return response.json();
}

/**
 * `market backfill --source binance`: the venue's 1m klines over REST (the market Binance
 * source's own backfill), rolled up to `--interval` when it is longer, page by page.
 */
export async function runMarketBackfill(io: CliIo, options: MarketBackfillOptions): Promise<void> {
  if (options.source !== 'binance')
    throw badArgument(`--source: only binance has a klines backfill, got ${options.source}`);
  const interval = intervalOf(options.interval);
  if (interval === '1s') throw badArgument('--interval: the klines backfill starts at 1m');
  const step = INTERVAL_MS[interval];
  const from = bucketStart(parseInstant(options.from, '--from'), interval);
  const to = bucketStart(parseInstant(options.to, '--to'), interval);
  if (!(from < to)) throw badArgument('--from must be before --to (after rounding to the interval)');
  const restUrl = options.restUrl ?? BINANCE_REST_URL;
  const bar = progressBar(io, `backfill ${options.symbol} ${interval}`);
  // Pages hold whole buckets of the target interval, so a roll-up never sees half a bucket.
  const pageMs = Math.max(step, Math.floor((PAGE_MINUTES * 60_000) / step) * step);
  async function* pages(): AsyncGenerator<Candle[]> {
    for (let start = from; start < to; start += pageMs) {
      const end = Math.min(to, start + pageMs);
      const minutes = await binanceDialect.backfill!(
        { symbol: options.symbol, interval: '1m', fromOpen: start, toOpen: end },
        restUrl,
        getJson,
      );
      // Complete buckets only: a page's missing minute could be one it did not get, and a partial
      // bucket would be a wrong bar.
      yield rollUpMinutes(minutes, interval, { completeOnly: true });
      bar.update(end - from, to - from);
    }
    bar.finish();
  }
  const target = { symbol: options.symbol, interval, exchange: 'binance' };
  const local = async (store: (candles: readonly Candle[]) => Promise<number>): Promise<ImportSummary> => {
    let rows = 0;
    let stored = 0;
    let first: number | undefined;
    let last: number | undefined;
    for await (const candles of pages()) {
      rows += candles.length;
      for (const c of candles) {
        first = Math.min(first ?? c.openTime, c.openTime);
        last = Math.max(last ?? c.openTime, c.openTime);
      }
      stored += await store(candles);
    }
    return { ...target, rows, stored, first, last };
  };
  await intoHistory(io, options, local, (api, why) => uploadCandlesOverApi(io, pages(), target, api, why));
}
