/**
 * @module The shapes of a candle read (`queryCandles`): what it asks and what it returns, apart
 * from the query so the archive's reader (archive/archive-reads.ts) shares them without a cycle.
 */
import type { Candle, CandleInterval } from '../port/market-message.ts';

/** A stored candle: the event's fields, whether it closed, and when it was last written. */
export interface StoredCandle extends Candle {
  closed: boolean;
  updatedAt: number;
}

/**
 * A stored candle as a row of `market_candles` / `market_candle_history` (SQL's column names) —
 * and of an archive file, which keeps the same columns.
 */
export interface CandleRow {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  open_time: Date;
  close_time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quote_volume: number;
  trades: number;
  incomplete: boolean;
  closed: boolean;
  revision: number;
  updated_at: Date;
}

/** The candle a {@link CandleRow} holds. */
export const storedCandleOf = (r: CandleRow): StoredCandle => ({
  exchange: r.exchange,
  symbol: r.symbol,
  interval: r.interval,
  openTime: r.open_time.getTime(),
  closeTime: r.close_time.getTime(),
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: r.volume,
  quoteVolume: r.quote_volume,
  trades: r.trades,
  incomplete: r.incomplete,
  closed: r.closed,
  revision: r.revision,
  updatedAt: r.updated_at.getTime(),
});

/** Options for `queryCandles` (queries.ts). */
export interface CandleQuery {
  /** Every exchange when omitted. */
  exchange?: string;
  symbol: string;
  interval: CandleInterval;
  /** Inclusive open time (ms). */
  from?: number;
  /** Exclusive open time (ms). */
  to?: number;
  /** @default 500, at most 5_000 */
  limit?: number;
  /**
   * Read the candles as they stood after this data version (versions/data-versions.ts): values a
   * later import replaced or deleted are read back, rows it added are not; a recorded candle a
   * collector corrected later is read with its values before the correction. A recorded candle
   * first stored later, and archived ones (archive/), are read whatever the version.
   * @default the current candles
   */
  asOfVersion?: number;
}
