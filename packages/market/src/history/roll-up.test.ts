import { describe, expect, it } from 'vitest';
import type { Candle } from '../port/market-message.ts';
import { rollUpMinutes } from './roll-up.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function minute(i: number, close: number): Candle {
  return {
    exchange: 'test',
    symbol: 'BTC-USDT',
    interval: '1m',
    openTime: T0 + i * MINUTE,
    closeTime: T0 + (i + 1) * MINUTE,
    open: close - 1,
    high: close + 2,
    low: close - 2,
    close,
    volume: 1,
    quoteVolume: close,
    trades: 2,
    incomplete: false,
    revision: 0,
  };
}

/** The first 5m bucket whole, the second missing its middle minute. */
const minutes = [0, 1, 2, 3, 4, 5, 6, 8, 9].map((i) => minute(i, 100 + i));

describe('rollUpMinutes', () => {
  it('sums a bucket into one candle: first open, last close, extremes, totals', () => {
    expect(rollUpMinutes(minutes, '5m')[0]).toMatchObject({
      interval: '5m',
      openTime: T0,
      closeTime: T0 + 5 * MINUTE,
      open: 99,
      close: 104,
      high: 106,
      low: 98,
      volume: 5,
      trades: 10,
    });
  });

  it('keeps a bucket with a minute missing (a quiet minute) unless asked for complete buckets only', () => {
    expect(rollUpMinutes(minutes, '5m').map((c) => [c.openTime, c.volume])).toEqual([
      [T0, 5],
      [T0 + 5 * MINUTE, 4],
    ]);
    expect(rollUpMinutes(minutes, '5m', { completeOnly: true }).map((c) => c.openTime)).toEqual([T0]);
  });
});
