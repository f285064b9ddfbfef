/** @module 1m candles rolled up to a longer interval. */
import { INTERVAL_MS, utcBucket, type CandleBucket, type CandleBucketer } from '../candles/intervals.ts';
import type { Candle, CandleInterval } from '../port/market-message.ts';

export interface RollUpOptions {
  /**
   * Drop a bucket that lacks any of its minutes. Off by default: venues skip minutes without
   * trades, so a bucket is kept when its minutes are all the venue has (the caller fetched the
   * whole bucket). On where a caller cannot tell a quiet minute from one it did not fetch, and a
   * partial bucket would be a wrong bar. @default false
   */
  completeOnly?: boolean;
  /**
   * Where each minute's bucket lies: a share's minutes go by its exchange's sessions
   * (`createSessionBucketer()`: a 1d bar is the session, a minute outside every session is
   * dropped). @default UTC-aligned buckets
   */
  buckets?: CandleBucketer;
}

/** 1m candles → `interval` candles, one per bucket of minutes (see {@link RollUpOptions}). Pure. */
export function rollUpMinutes(
  minutes: readonly Candle[],
  interval: CandleInterval,
  options: RollUpOptions = {},
): Candle[] {
  const bucketOf = (c: Candle): CandleBucket | null =>
    options.buckets ? options.buckets(c.symbol, c.openTime, interval) : utcBucket(c.openTime, interval);
  if (interval === '1m' && !options.buckets) return [...minutes];
  const buckets = new Map<number, { bucket: CandleBucket; list: Candle[] }>();
  for (const c of minutes) {
    const bucket = bucketOf(c);
    if (!bucket) continue;
    let entry = buckets.get(bucket.openTime);
    if (!entry) buckets.set(bucket.openTime, (entry = { bucket, list: [] }));
    entry.list.push(c);
  }
  const out: Candle[] = [];
  for (const [openTime, { bucket, list }] of [...buckets].sort(([a], [b]) => a - b)) {
    // A session-clipped bucket (09:30-10:00) holds fewer minutes than the interval.
    const size = (bucket.closeTime - bucket.openTime) / INTERVAL_MS['1m'];
    if (options.completeOnly && list.length !== size) continue;
    list.sort((a, b) => a.openTime - b.openTime);
    out.push({
      ...list[0]!,
      interval,
      openTime,
      closeTime: bucket.closeTime,
      open: list[0]!.open,
      close: list[list.length - 1]!.close,
      high: Math.max(...list.map((c) => c.high)),
      low: Math.min(...list.map((c) => c.low)),
      volume: list.reduce((s, c) => s + c.volume, 0),
      quoteVolume: list.reduce((s, c) => s + c.quoteVolume, 0),
      trades: list.reduce((s, c) => s + c.trades, 0),
      incomplete: list.some((c) => c.incomplete),
      revision: 0,
    });
  }
  return out;
}
