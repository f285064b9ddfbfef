/** @module What the market routes read: the database, the latest-value store, sources and jobs. */
import type { SourceReport } from '../collector/source-run.ts';
import type { JobScheduler } from '../jobs/scheduler.ts';
import type { LatestStore, Ticker } from '../latest/latest-store.ts';
import type { SourceState } from '../port/source-status.ts';
import type { ReadSql, Sql } from '@tickline/store';
import type { MarketReadCache } from '../cache/market-read-cache.ts';
import type { ResolvedArchiveSettings } from '../archive/archive-settings.ts';

/** A source as `/markets/sources` shows it: the collector's report, or the last status event seen. */
export type SourceView = Pick<SourceReport, 'name' | 'exchange' | 'since' | 'detail'> & {
  state: SourceState;
} & Partial<Omit<SourceReport, 'name' | 'exchange' | 'since' | 'detail' | 'state'>>;

/** The market side of a process, for the routes. */
export interface MarketView {
  /** The primary: admin views that must show the latest writes. */
  sql: Sql;
  /**
   * Market history (markets, candles, trades, indicator inputs): the read replica when one is
   * configured. Consumers fill these tables from the log, so they are never a user's own write.
   */
  reads: ReadSql;
  /** Latest candles and indicators; absent where no cache could stay fresh. */
  cache: MarketReadCache | undefined;
  /** Tickers of the trades this process sees (empty on a scaled gateway: see `ticker`). */
  latest: LatestStore;
  /**
   * A symbol's ticker: from `latest`, or on a gateway that takes only its clients' channels from
   * the delivery log, from the newest `market:{symbol}:ticker` message there.
   */
  ticker(symbol: string): Promise<Ticker | undefined>;
  /** The tickers of `symbols` and of every symbol `latest` holds. */
  tickers(symbols: readonly string[]): Promise<Ticker[]>;
  /** Write delivered trades into `latest` (no collector in this process does). */
  feedLatest: boolean;
  /** Present where the scheduled jobs run (platform, all). */
  jobs: JobScheduler | undefined;
  /** `market.archive` as resolved (the archive's catalogue is read from `sql`). */
  archive: ResolvedArchiveSettings;
  sources(): Promise<SourceView[]>;
}
