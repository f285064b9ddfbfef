/**
 * @module The backtest form's extra feeds: rows of symbol and interval beside the main symbol, sent
 * as `feeds` of `POST /backtests` so a multi-feed strategy backtests as it runs live.
 */
import type { CandleInterval } from '@tickline/protocol';

/** At most this many extra feeds (the route takes 7 beside the main one). */
export const MAX_EXTRA_FEEDS = 7;

export interface ExtraFeed {
  symbol: string;
  interval: CandleInterval;
}

/**
 * The form's `feedSymbol`/`feedInterval` values (one per row, in order) as `feeds`: symbols trimmed
 * and upper-cased, rows left blank dropped. Undefined when no row is filled, so a one-feed run's
 * request stays as it was.
 */
export function extraFeeds(
  symbols: readonly string[],
  intervals: readonly string[],
): ExtraFeed[] | undefined {
  const feeds = symbols
    .map((symbol, i) => ({ symbol: symbol.trim().toUpperCase(), interval: intervals[i] as CandleInterval }))
    .filter((f) => f.symbol !== '' && f.interval !== undefined);
  return feeds.length > 0 ? feeds : undefined;
}
