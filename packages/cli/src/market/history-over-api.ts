/**
 * @module `market import` and `market backfill` through a running server: when `tickline start`
 * holds the data directory (STORE_LOCKED), the candles go to its upload API
 * (`/api/v1/history/uploads`) instead, in resumable chunks, so history gets in without stopping
 * anything; so do they, at once, when `--url` or TICKLINE_URL names a server. The server is
 * `--url`, TICKLINE_URL, or this config's own HTTP port on localhost;
 * the credential is an admin's (`--token` or TICKLINE_TOKEN).
 */
import { basename } from 'node:path';
import { uploadKlineCsv, type KlineUpload } from '@tickline/client';
import { isTicklineError } from '@tickline/kernel';
import { progressBar } from '../progress-bar.ts';
import type { CliIo } from '../io.ts';
import { apiClient, localApiUrl, type ApiOptions } from '../api/api-client.ts';
import { readCredentials } from '../api/credentials.ts';

export interface HistoryTarget {
  symbol: string;
  interval: string;
  exchange: string;
}

/** What the summary of an import prints. */
export interface ImportSummary extends HistoryTarget {
  rows: number;
  stored: number;
  first?: number | undefined;
  last?: number | undefined;
  /** The upload that holds them (through a server's API; what deleting them takes). */
  uploadId?: string | undefined;
}

/** The fields of a candle a kline row carries. */
export interface KlineCandle {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly trades: number;
}

/** A kline file opened for reading (plain or gzipped: the opener's business), and its size. */
export interface OpenedKlineText {
  stream: AsyncIterable<string>;
  size: number;
}

/**
 * The running server's API: the options', the environment's, `tickline login`'s, else this
 * config's port on localhost. The stored server comes before the local port: otherwise a signed-in
 * user's token was withheld (it belongs to the stored server, not to localhost).
 */
export function serverApi(io: CliIo, configFile: string | undefined, options: ApiOptions): ApiOptions {
  if (options.url ?? io.env.TICKLINE_URL ?? readCredentials(io)?.url) return options;
  return { ...options, url: localApiUrl(io, configFile) };
}

function summary(target: HistoryTarget, upload: KlineUpload): ImportSummary {
  return {
    ...target,
    rows: upload.candles,
    stored: upload.candles,
    first: upload.from === null ? undefined : Date.parse(upload.from),
    last: upload.to === null ? undefined : Date.parse(upload.to),
    uploadId: upload.id,
  };
}

/** A lost connection or a 503 is worth another try of the same chunk; a coded 4xx is not. */
const retryable = (error: unknown): boolean =>
  !isTicklineError(error) || error.code === 'SERVER_API_UNREACHABLE' || error.code.endsWith('_UNAVAILABLE');

/** `market import FILE` over the API: the file streamed in chunks, progress by bytes accepted. */
export async function importFileOverApi(
  io: CliIo,
  file: string,
  opened: OpenedKlineText,
  target: HistoryTarget,
  api: ApiOptions & { resume?: string | undefined },
  why: string,
): Promise<ImportSummary> {
  const call = apiClient(io, api);
  const { stream, size: totalBytes } = opened;
  const bar = progressBar(io, `upload ${target.symbol} ${target.interval}`);
  io.err(`${why}\n`);
  const upload = await uploadKlineCsv({
    call,
    text: stream,
    ...target,
    // The file's own name: where it sat on this machine is nobody else's business.
    name: basename(file),
    totalBytes,
    ...(api.resume ? { resume: api.resume } : {}),
    retryable,
    onProgress: (u) => {
      if (u.rows === 0) io.err(`upload ${u.id} (resume with --resume ${u.id})\n`);
      bar.update(u.receivedBytes, totalBytes);
    },
  });
  bar.finish();
  return summary(target, upload);
}

/** A candle as a Binance kline row, the layout the upload route reads. */
export const klineRow = (c: KlineCandle): string =>
  [
    c.openTime,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.closeTime - 1,
    c.quoteVolume,
    c.trades,
    0,
    0,
    0,
  ].join(',');

/** `market backfill` over the API: the venue's pages fetched here, uploaded as kline rows. */
export async function uploadCandlesOverApi(
  io: CliIo,
  pages: AsyncIterable<readonly KlineCandle[]>,
  target: HistoryTarget,
  api: ApiOptions,
  why: string,
): Promise<ImportSummary> {
  io.err(`${why}\n`);
  async function* rows(): AsyncGenerator<string> {
    for await (const page of pages) if (page.length > 0) yield `${page.map(klineRow).join('\n')}\n`;
  }
  const upload = await uploadKlineCsv({ call: apiClient(io, api), text: rows(), ...target, retryable });
  return summary(target, upload);
}
