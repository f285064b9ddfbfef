import { describe, expect, it } from 'vitest';
import { bollinger, ema, macd, rsi, sma } from './indicators.ts';

describe('chart indicators', () => {
  it('indicators - SMA and EMA (SMA-seeded) with null warm-up', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    // k = 2 / (3 + 1) = 0.5: 4·0.5 + 2·0.5 = 3, then 5·0.5 + 3·0.5 = 4.
    expect(ema([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(ema([2, 4, 6, 8], 2)).toEqual([null, 3, 5, 7]);
  });

  it('indicators - Bollinger bands are the mean ± width population deviations', () => {
    const bands = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2);
    expect(bands.middle[7]).toBe(5);
    expect(bands.upper[7]).toBe(9);
    expect(bands.lower[7]).toBe(1);
    expect(bands.upper.slice(0, 7).every((v) => v === null)).toBe(true);
  });

  it('indicators - RSI is 100 on only gains, 0 on only losses, 50 on equal moves', () => {
    expect(rsi([1, 2, 3, 4, 5], 3).slice(3)).toEqual([100, 100]);
    expect(rsi([5, 4, 3, 2, 1], 3)[3]).toBe(0);
    expect(rsi([1, 2, 1, 2, 1], 4)[4]).toBe(50);
  });

  it('indicators - MACD of a constant series is flat zero once warmed up', () => {
    const result = macd(new Array<number>(40).fill(10), 3, 6, 4);
    expect(result.macd[4]).toBeNull();
    expect(result.macd[5]).toBe(0);
    expect(result.signal[8]).toBe(0);
    expect(result.histogram[8]).toBe(0);
    expect(result.signal[7]).toBeNull();
  });
});
