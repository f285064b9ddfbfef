/** @module 1m candles rolled up to a longer interval: complete buckets only. */
import { bucketStart, INTERVAL_MS } from '../candles/intervals.ts';
import type { Candle, CandleInterval } from '../port/market-message.ts';

/**
 * 1m candles → `interval` candles. A bucket missing a minute is dropped only when the venue had
 * trades it did not report; venues skip minutes without trades, so a bucket is kept when its
 * minutes are all the venue has (the caller fetched the whole bucket). Pure.
 */
export function rollUpMinutes(minutes: readonly Candle[], interval: CandleInterval): Candle[] {
  if (interval === '1m') return [...minutes];
  const buckets = new Map<number, Candle[]>();
  for (const c of minutes) {
    const key = bucketStart(c.openTime, interval);
    let list = buckets.get(key);
    if (!list) buckets.set(key, (list = []));
    list.push(c);
  }
  const out: Candle[] = [];
  for (const [openTime, list] of [...buckets].sort(([a], [b]) => a - b)) {
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
