/**
 * @module A live run's warm-up history from SQL: the last closed candles of a feed before a time,
 * skipping incomplete ones as the live feed and backtests do.
 */
import { INTERVAL_MS, queryCandles, type CandleInterval } from '@tickline/market';
import type { Sql } from '@tickline/store';
import type { LiveCandle } from '@tickline/strategy';

/** The last `count` closed candles of a feed that closed at or before `before`, oldest first. */
export function sqlCandleHistory(sql: Sql) {
  return async (symbol: string, interval: string, count: number, before: number): Promise<LiveCandle[]> => {
    const step = INTERVAL_MS[interval as CandleInterval];
    if (step === undefined || count <= 0) return [];
    const rows = await queryCandles(sql, {
      symbol,
      interval: interval as CandleInterval,
      to: before - step + 1,
      limit: Math.min(5_000, count * 2),
    });
    const out: LiveCandle[] = [];
    for (const c of rows) {
      // Incomplete candles are skipped in warm-up as in the live feed and in backtests.
      if (!c.closed || c.incomplete || (out.length > 0 && out[out.length - 1]!.openTime >= c.openTime))
        continue;
      out.push({
        openTime: c.openTime,
        closeTime: c.closeTime,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      });
    }
    return out.slice(-count);
  };
}
