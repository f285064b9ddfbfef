import { describe, expect, it } from 'vitest';
import { ALL_INTERVALS, INTERVAL_MS, bucketStart, isCandleInterval } from './intervals.ts';

// 2024-03-15T13:47:29.123Z
const T = Date.UTC(2024, 2, 15, 13, 47, 29, 123);

describe('candle intervals', () => {
  it.each([
    ['1s', Date.UTC(2024, 2, 15, 13, 47, 29)],
    ['1m', Date.UTC(2024, 2, 15, 13, 47)],
    ['5m', Date.UTC(2024, 2, 15, 13, 45)],
    ['15m', Date.UTC(2024, 2, 15, 13, 45)],
    ['1h', Date.UTC(2024, 2, 15, 13)],
    ['1d', Date.UTC(2024, 2, 15)],
  ] as const)('bucket alignment - %s bucket of 13:47:29.123Z opens at the UTC boundary', (interval, open) => {
    expect(bucketStart(T, interval)).toBe(open);
    // The first and last millisecond of the bucket map to the same open; the next one does not.
    expect(bucketStart(open, interval)).toBe(open);
    expect(bucketStart(open + INTERVAL_MS[interval] - 1, interval)).toBe(open);
    expect(bucketStart(open + INTERVAL_MS[interval], interval)).toBe(open + INTERVAL_MS[interval]);
  });

  it('bucket alignment - every interval is listed and recognised', () => {
    expect(ALL_INTERVALS).toEqual(['1s', '1m', '5m', '15m', '1h', '1d']);
    expect(ALL_INTERVALS.every(isCandleInterval)).toBe(true);
    expect(isCandleInterval('2m')).toBe(false);
    expect(isCandleInterval('toString')).toBe(false);
  });
});
