/**
 * @module What a backtest read, pinned so it can be read again: the data version its candles were
 * read as of, the adjustment for corporate actions, and per feed the range, bars and content hash
 * (the sandbox's feed key: a SHA-256 of the columns). A re-run reads as of the same version and
 * compares the hashes; a report whose candles changed since lists the versions that changed them.
 */
import { changedAfter, versionsAfter, type AdjustMode, type DataVersion } from '@tickline/market';
import type { SqlQueryable } from '@tickline/store';
import { feedKey } from '../sandbox/feed-transfer.ts';
import type { Feed } from '../core/types.ts';
import { loadFeed, type FeedQuery } from './candle-feed.ts';

/** One feed as read. */
export interface RunFeedData {
  symbol: string;
  interval: string;
  /** The exchange asked for; null when the first stored one per bar was taken. */
  exchange: string | null;
  from: number;
  to: number;
  bars: number;
  /** SHA-256 of the feed's columns (hex). */
  contentHash: string;
}

/** What `backtest_results.data` holds. */
export interface RunData {
  /** The data version the imported history was read as of. */
  dataVersion: number;
  adjust: AdjustMode;
  feeds: RunFeedData[];
  /** The code: the strategy's immutable version and its source's hash. */
  strategy: { id: string; version: number; sourceSha256: string };
}

/**
 * Loads `wanted` over `[from, to)` as of `dataVersion`, adjusted by `adjust`, and describes what was
 * read. `maxBars` as {@link loadFeed} (RangeError past it).
 */
export async function loadPinnedFeeds(
  sql: SqlQueryable,
  wanted: ReadonlyArray<Pick<FeedQuery, 'symbol' | 'interval' | 'exchange'>>,
  pin: { from: number; to: number; dataVersion: number | undefined; adjust: AdjustMode; maxBars?: number },
): Promise<{ feeds: Feed[]; data: Omit<RunData, 'strategy'> | undefined }> {
  const feeds: Feed[] = [];
  const described: RunFeedData[] = [];
  for (const f of wanted) {
    // Read as of the pin only where the symbol changed since: otherwise the current rows are that
    // history, and the plain read skips the kept rows' union.
    const asOf = pin.dataVersion !== undefined && (await changedAfter(sql, f.symbol, pin.dataVersion));
    const feed = await loadFeed(
      sql,
      {
        ...f,
        from: pin.from,
        to: pin.to,
        adjust: pin.adjust,
        ...(asOf ? { asOfVersion: pin.dataVersion! } : {}),
      },
      pin.maxBars === undefined ? {} : { maxBars: pin.maxBars },
    );
    feeds.push(feed);
    described.push({
      symbol: f.symbol,
      interval: f.interval,
      exchange: f.exchange ?? null,
      from: pin.from,
      to: pin.to,
      bars: feed.columns.openTime.length,
      contentHash: await feedKey(feed),
    });
  }
  // Runs queued before data versions existed pinned none: they read the current history.
  const data = pin.dataVersion === undefined ? undefined : { dataVersion: pin.dataVersion, adjust: pin.adjust, feeds: described };
  return { feeds, data };
}

/** The data versions after the run's that touched one of its feeds' symbol, interval and range. */
export async function changedSince(sql: SqlQueryable, data: Pick<RunData, 'dataVersion' | 'feeds'>): Promise<DataVersion[]> {
  const seen = new Map<number, DataVersion>();
  for (const f of data.feeds) {
    const after = await versionsAfter(sql, { symbol: f.symbol, interval: f.interval, from: f.from, to: f.to }, data.dataVersion);
    for (const v of after) seen.set(v.id, v);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
