/**
 * @module `tickline market download`: a venue's public klines into the server's shared history,
 * through `POST /api/v1/history/downloads` (any signed-in user, within the tier's daily quota),
 * then the download followed to its end with a progress bar by UTC days. Days anyone already
 * downloaded cost nothing; running the same command again resumes a download that stopped.
 */
import type { HistoryDownload } from '@tickline/protocol';
import { badArgument } from '../cli-errors.ts';
import { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';
import { progressBar } from '../progress-bar.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import { serverApi } from './history-over-api.ts';

export const DOWNLOAD_VENUES = ['binance', 'coinbase', 'upbit', 'alpaca', 'kis'] as const;
export const DOWNLOAD_INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;

export interface MarketDownloadOptions extends ApiOptions {
  config?: string;
  symbol?: string;
  interval?: string;
  venue?: string;
  from: string;
  to: string;
  json?: boolean;
  /** How often the download is read while it runs. @default 500 */
  pollMs?: number;
}

/** The feed: `SYMBOL:INTERVAL:VENUE` (any part may come from its flag instead). */
export function downloadFeed(
  feed: string | undefined,
  o: Pick<MarketDownloadOptions, 'symbol' | 'interval' | 'venue'>,
): { symbol: string; interval: string; venue: string } {
  const [fs, fi, fv, extra] = feed === undefined ? [] : feed.split(':');
  if (extra !== undefined) throw badArgument(`expected SYMBOL:INTERVAL:VENUE, got ${feed}`);
  const symbol = o.symbol ?? fs;
  const interval = o.interval ?? fi;
  const venue = o.venue ?? (fv || undefined) ?? 'binance';
  if (!symbol) throw badArgument('--symbol (or SYMBOL:INTERVAL:VENUE) is needed, e.g. BTC-USDT');
  if (!interval || !(DOWNLOAD_INTERVALS as readonly string[]).includes(interval))
    throw badArgument(
      `--interval: expected one of ${DOWNLOAD_INTERVALS.join(', ')}, got ${String(interval)}`,
    );
  if (!(DOWNLOAD_VENUES as readonly string[]).includes(venue))
    throw badArgument(`--venue: expected one of ${DOWNLOAD_VENUES.join(', ')}, got ${venue}`);
  return { symbol, interval, venue };
}

function isoOf(text: string, name: string): string {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw badArgument(`${name}: expected an ISO date or epoch milliseconds, got ${text}`);
  return new Date(ms).toISOString();
}

function report(io: CliIo, json: boolean | undefined, d: HistoryDownload): void {
  if (json) {
    io.out(`${JSON.stringify(d)}\n`);
    return;
  }
  io.out(
    [
      `download  ${d.id} (${d.status})`,
      `feed      ${d.symbol}:${d.interval}:${d.venue}`,
      `range     ${d.from} .. ${d.to}`,
      `days      ${d.daysDone}/${d.daysTotal} (${d.venueDays} fetched from ${d.venue}, ${d.daysDone - d.venueDays} already held)`,
      `candles   ${d.candles}`,
      ...(d.error ? [`error     ${d.error.message} [${d.error.code}]`] : []),
      '',
    ].join('\n'),
  );
}

/** `market download [SYMBOL:INTERVAL:VENUE]`. */
export async function runMarketDownload(
  io: CliIo,
  feed: string | undefined,
  options: MarketDownloadOptions,
  fetchFn?: typeof fetch,
): Promise<ExitCode> {
  const target = downloadFeed(feed, options);
  const body = { ...target, from: isoOf(options.from, '--from'), to: isoOf(options.to, '--to') };
  const call = apiClient(io, serverApi(io, options.config, options), fetchFn);
  let { download } = await call<{ download: HistoryDownload }>('POST', '/history/downloads', body);
  const bar = progressBar(io, `download ${target.symbol} ${target.interval} from ${target.venue}`);
  io.err(`download ${download.id}: ${download.daysTotal} days\n`);
  bar.update(download.daysDone, download.daysTotal);
  while (download.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    ({ download } = await call<{ download: HistoryDownload }>('GET', `/history/downloads/${download.id}`));
    bar.update(download.daysDone, download.daysTotal);
  }
  bar.finish();
  report(io, options.json, download);
  if (download.status === 'failed') {
    io.err(
      `error: ${download.error?.message ?? 'the download failed'} [${download.error?.code ?? 'MARKET_VENUE_FAILED'}]\nrun the same command again to resume: the days already stored are not fetched again\n`,
    );
    return ExitCode.Failure;
  }
  return ExitCode.Ok;
}
