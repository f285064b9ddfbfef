/** @module A market view over one SQL database and no collector, for tests of the market reads. */
import { createReadSql, type Sql } from '@tickline/store';
import { LatestStore, type Ticker } from '../latest/latest-store.ts';
import type { MarketView } from './market-view.ts';

/** `sql` as the primary and the reads, with `tickers` as this process's latest trades. */
export function testMarketView(sql: Sql, tickers: readonly Ticker[] = []): MarketView {
  return {
    sql,
    reads: createReadSql({ primary: sql }),
    cache: undefined,
    latest: new LatestStore(),
    ticker: (symbol) => Promise.resolve(tickers.find((t) => t.symbol === symbol)),
    tickers: () => Promise.resolve([...tickers]),
    feedLatest: false,
    jobs: undefined,
    archive: { enabled: false, afterDays: 90, afterMs: 90 * 86_400_000, dir: '/nonexistent/archive' },
    sources: () => Promise.resolve([]),
  };
}
