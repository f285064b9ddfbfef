import { describe, expect, it } from 'vitest';
import type { Candle } from '../port/market-message.ts';
import { createSessionBucketer } from '../calendars/session-buckets.ts';
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

describe('rollUpMinutes by sessions', () => {
  /** 2026-11-27 (an early close at 13:00 ET = 18:00 UTC): minutes from 09:00 to 13:30 ET. */
  const OPEN = Date.UTC(2026, 10, 27, 14, 30);
  const share = (at: number, close: number): Candle => ({
    ...minute(0, close),
    symbol: 'AAPL.US',
    exchange: 'alpaca',
    openTime: at,
    closeTime: at + MINUTE,
  });
  const day = Array.from({ length: 270 }, (_, i) => share(OPEN - 30 * MINUTE + i * MINUTE, 100 + i));

  it("cuts a share's minutes by its sessions: the day bar is the session, minutes outside it are dropped", () => {
    const buckets = createSessionBucketer();
    const [daily, ...more] = rollUpMinutes(day, '1d', { buckets });
    expect(more).toEqual([]);
    // 09:30 to 13:00 ET: 210 minutes, the pre-market half hour and the half hour after the close left out.
    expect(daily).toMatchObject({
      openTime: OPEN,
      closeTime: OPEN + 210 * MINUTE,
      open: 129,
      close: 339,
      volume: 210,
    });
    const hours = rollUpMinutes(day, '1h', { buckets });
    // 09:30-10:00 is clipped to the session's first half hour.
    expect(hours.map((c) => [c.openTime - OPEN, c.closeTime - OPEN])).toEqual([
      [0, 30 * MINUTE],
      [30 * MINUTE, 90 * MINUTE],
      [90 * MINUTE, 150 * MINUTE],
      [150 * MINUTE, 210 * MINUTE],
    ]);
    expect(rollUpMinutes(day, '1m', { buckets })).toHaveLength(210);
  });
});
