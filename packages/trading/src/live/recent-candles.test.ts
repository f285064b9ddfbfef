import { describe, expect, it } from 'vitest';
import { RecentCandles } from './run-catch-up.ts';

const candle = (closeTime: number, symbol = 'BTC-USDT') =>
  ({
    symbol,
    interval: '1s',
    openTime: closeTime - 1_000,
    closeTime,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
  });

describe('recent live candles', () => {
  it('keeps each feed in close-time order, once, the newest 64', () => {
    const recent = new RecentCandles();
    for (const t of [3_000, 1_000, 2_000, 2_000, 4_000]) recent.add(candle(t));
    recent.add(candle(9_000, 'ETH-USDT'));
    const feeds = [{ symbol: 'BTC-USDT', interval: '1s' }];
    expect(recent.after(feeds, () => 1_000).map((c) => c.closeTime)).toEqual([2_000, 3_000, 4_000]);
    for (let t = 5_000; t < 100_000; t += 1_000) recent.add(candle(t));
    const kept = recent.after(feeds, () => 0);
    expect(kept).toHaveLength(64);
    expect(kept.at(-1)!.closeTime).toBe(99_000);
  });
});
