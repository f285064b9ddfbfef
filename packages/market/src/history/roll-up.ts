/** @module 1m candles rolled up to a longer interval. */
import { bucketStart, INTERVAL_MS } from '../candles/intervals.ts';
import type { Candle, CandleInterval } from '../port/market-message.ts';

export interface RollUpOptions {
  /**
   * Drop a bucket that lacks any of its minutes. Off by default: venues skip minutes without
   * trades, so a bucket is kept when its minutes are all the venue has (the caller fetched the
   * whole bucket). On where a caller cannot tell a quiet minute from one it did not fetch, and a
   * partial bucket would be a wrong bar. @default false
   */
  completeOnly?: boolean;
}

/** 1m candles → `interval` candles, one per bucket of minutes (see {@link RollUpOptions}). Pure. */
export function rollUpMinutes(
  minutes: readonly Candle[],
  interval: CandleInterval,
  options: RollUpOptions = {},
): Candle[] {
  if (interval === '1m') return [...minutes];
  const size = INTERVAL_MS[interval] / INTERVAL_MS['1m'];
  const buckets = new Map<number, Candle[]>();
  for (const c of minutes) {
    const key = bucketStart(c.openTime, interval);
    let list = buckets.get(key);
    if (!list) buckets.set(key, (list = []));
    list.push(c);
  }
  const out: Candle[] = [];
  for (const [openTime, list] of [...buckets].sort(([a], [b]) => a - b)) {
    if (options.completeOnly && list.length !== size) continue;
    list.sort((a, b) => a.openTime - b.openTime);
    out.push({
      ...list[0]!,
      interval,
      openTime,
      closeTime: openTime + INTERVAL_MS[interval],
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
