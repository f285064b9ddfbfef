/**
 * @module Stored candles → an engine {@link Feed}: the market's candle query over SQL, paged by
 * open time, closed candles only, one exchange per bar (the named one, else the first by name),
 * so a backtest reads exactly the history a user imported, backfilled or collected (the market's
 * candle query reads the recorded candles and the imported history as one).
 */
import { createEventSource } from '@tickline/kernel';
import {
  adjustmentsFor,
  factorAt,
  INTERVAL_MS,
  listMarkets,
  MarketCandleClosed,
  MarketError,
  MAX_QUERY_LIMIT,
  projectCandles,
  queryCandles,
} from '@tickline/market';
import { sharedColumn } from '../research/feeds.ts';
import { feedKey } from '../sandbox/feed-transfer.ts';
import type { AdjustMode, Candle, CandleInterval } from '@tickline/market';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { Feed } from '../core/types.ts';

export interface FeedQuery {
  symbol: string;
  interval: CandleInterval;
  /** Inclusive open time (ms). */
  from: number;
  /** Exclusive open time (ms). */
  to: number;
  exchange?: string;
  /** Read the imported history as of this data version (a pinned or re-run backtest). */
  asOfVersion?: number;
  /** Back-adjust for corporate actions (known as of `asOfVersion`). @default 'none' */
  adjust?: AdjustMode;
}

/** MARKET_SYMBOL_NOT_FOUND unless some exchange has stored data for `symbol`. */
export async function assertKnownSymbol(sql: SqlQueryable, symbol: string): Promise<void> {
  const markets = await listMarkets(sql);
  if (!markets.some((m) => m.symbol === symbol)) {
    throw new MarketError('MARKET_SYMBOL_NOT_FOUND', `no market ${symbol}`, { details: { symbol } });
  }
}

/** True when the range holds at least one closed candle (a cheap check before queuing a run). */
export async function hasCandles(sql: SqlQueryable, query: FeedQuery): Promise<boolean> {
  const rows = await queryCandles(sql, { ...definedExchange(query), limit: 50 });
  return rows.some((c) => c.closed);
}

function definedExchange(q: FeedQuery) {
  const { exchange, adjust: _adjust, asOfVersion, ...rest } = q;
  return {
    ...rest,
    ...(exchange === undefined ? {} : { exchange }),
    ...(asOfVersion === undefined ? {} : { asOfVersion }),
  };
}

/**
 * Loads the range as columns; `maxBars` stops a run from reading more than its tier allows
 * (RangeError with the count, which the caller turns into its coded error).
 */
export async function loadFeed(
  sql: SqlQueryable,
  query: FeedQuery,
  options: { maxBars?: number; onPage?: (loaded: number) => void } = {},
): Promise<Feed> {
  const step = INTERVAL_MS[query.interval];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  const openTime: number[] = [];
  let from = query.from;
  for (;;) {
    const page = await queryCandles(sql, { ...definedExchange(query), from, limit: MAX_QUERY_LIMIT });
    for (const c of page) {
      // Several exchanges may store the same bar: keep the first (rows come ordered by exchange).
      // An incomplete candle (trades missed: a collector restart or a feed gap) is skipped, as a
      // live run skips it (docs/backtesting.md, "Candles a run sees").
      if (!c.closed || c.incomplete || (openTime.length > 0 && openTime[openTime.length - 1]! >= c.openTime))
        continue;
      openTime.push(c.openTime);
      open.push(c.open);
      high.push(c.high);
      low.push(c.low);
      close.push(c.close);
      volume.push(c.volume);
    }
    if (options.maxBars !== undefined && openTime.length > options.maxBars) {
      throw new RangeError(`more than ${options.maxBars} candles in range`);
    }
    options.onPage?.(openTime.length);
    if (page.length < MAX_QUERY_LIMIT) break;
    from = page[page.length - 1]!.openTime + 1;
  }
  if (query.adjust !== undefined && query.adjust !== 'none') {
    const { adjustments } = await adjustmentsFor(sql, query.symbol, query.interval, query.adjust, query.asOfVersion);
    // Back-adjusted in place: a bar before an ex date takes the factors of every later action.
    for (let i = 0; i < openTime.length; i++) {
      const { price, volume: size } = factorAt(adjustments, openTime[i]!);
      open[i]! *= price;
      high[i]! *= price;
      low[i]! *= price;
      close[i]! *= price;
      volume[i]! *= size;
    }
  }
  // Shared memory: the sandbox and worker threads read these columns in place (no copy per run).
  const closeTime = sharedColumn(openTime);
  for (let i = 0; i < closeTime.length; i++) closeTime[i]! += step;
  const feed: Feed = {
    symbol: query.symbol,
    interval: query.interval,
    columns: {
      openTime: sharedColumn(openTime),
      closeTime,
      open: sharedColumn(open),
      high: sharedColumn(high),
      low: sharedColumn(low),
      close: sharedColumn(close),
      volume: sharedColumn(volume),
    },
  };
  // Named as it is loaded (a few ms per 100k bars, beside the SQL read): the run that sends it to a
  // sandbox process then finds the name made (sandbox/feed-transfer.ts).
  await feedKey(feed);
  return feed;
}

/**
 * Stores closed candles as recorded ones (`market_candles`), through the market's own candle
 * projection write, as a collector's closes land: `market_symbols` learns the symbol and a later
 * correction still wins by revision. Tests and fixtures seed stores with it; a user's import goes
 * to the imported history instead (`importCandles`, which retention never drops).
 * Returns the rows inserted or replaced.
 */
export async function storeClosedCandles(sql: Sql, candles: readonly Candle[]): Promise<number> {
  if (candles.length === 0) return 0;
  const source = createEventSource({ source: 'strategy/candle-import' });
  const events = candles.map((c) => source.create(MarketCandleClosed, { subject: c.symbol, data: c }));
  return sql.transaction((tx) => projectCandles(tx, events));
}
