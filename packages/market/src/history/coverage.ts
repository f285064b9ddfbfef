/**
 * @module The shared store of downloaded venue history (`market_history_coverage`, migration
 * 0081): a UTC day of one venue's symbol is fetched once, as closed 1m candles rolled up to every
 * interval (a share's by its exchange's sessions), or as the daily bar of a venue serving only
 * those, and recorded as covered in the same transaction as its candles. Whoever asks for that
 * day again reads it from `market_candle_history`; no venue call is made.
 */
import type { SqlQueryable } from '@tickline/store';
import { ALL_INTERVALS, INTERVAL_MS } from '../candles/intervals.ts';
import type { Candle } from '../port/market-message.ts';
import { importCandles } from '../storage/candle-history.ts';
import { rollUpMinutes } from './roll-up.ts';
import { createSessionBucketer } from '../calendars/session-buckets.ts';
import { isEquitySymbol } from '../normalize/equity-symbols.ts';
import { DAY_MS } from '../latest/rolling-window.ts';

/** The UTC days a download of `[fromMs, toMs)` touches, up to the one holding `nowMs`. */
export function daysOf(fromMs: number, toMs: number, nowMs: number): number[] {
  const end = Math.min(toMs, nowMs);
  const days: number[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < end; day += DAY_MS) days.push(day);
  return days;
}

/** Which of `days` are held for the venue's symbol. */
export async function coveredDays(
  sql: SqlQueryable,
  exchange: string,
  symbol: string,
  days: readonly number[],
): Promise<Set<number>> {
  if (days.length === 0) return new Set();
  const { rows } = await sql.query<{ day_start: string | number }>(
    `select day_start from market_history_coverage
     where exchange = $1 and symbol = $2 and day_start >= $3 and day_start <= $4`,
    [exchange, symbol, days[0]!, days[days.length - 1]!],
  );
  return new Set(rows.map((r) => Number(r.day_start)));
}

/**
 * Stores one day's fetched bars — minutes rolled up to every interval (1s is not a venue kline
 * and is skipped; a share's cut by its sessions), or daily bars as they are — keeping only
 * candles closed by `nowMs`; records the day as covered when the whole day had closed. Run in the
 * caller's transaction. Returns the candles stored per interval.
 */
export async function storeVenueDay(
  tx: SqlQueryable,
  day: {
    exchange: string;
    symbol: string;
    dayStart: number;
    bars: readonly Candle[];
    barInterval?: '1m' | '1d';
  },
  nowMs: number,
  fetchedAt: Date,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const rolled: Candle[] = [];
  const buckets = isEquitySymbol(day.symbol) ? createSessionBucketer() : undefined;
  for (const interval of ALL_INTERVALS) {
    if (INTERVAL_MS[interval] < INTERVAL_MS[day.barInterval ?? '1m']) continue;
    const bars =
      day.barInterval === '1d' ? day.bars : rollUpMinutes(day.bars, interval, buckets ? { buckets } : {});
    const closed = bars.filter((c) => c.closeTime <= nowMs);
    rolled.push(...closed);
    counts.set(interval, closed.length);
  }
  // One data version for the day, every interval: a re-download that revised it shows as one change.
  await importCandles(tx, rolled, null, { kind: 'download', source: `download:${day.exchange}` });
  if (day.dayStart + DAY_MS <= nowMs) {
    await tx.query(
      `insert into market_history_coverage (exchange, symbol, day_start, candles, fetched_at)
       values ($1, $2, $3, $4, $5)
       on conflict (exchange, symbol, day_start) do update set candles = excluded.candles, fetched_at = excluded.fetched_at`,
      [day.exchange, day.symbol, day.dayStart, day.bars.length, fetchedAt],
    );
  }
  return counts;
}
