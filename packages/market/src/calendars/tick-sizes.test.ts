import { describe, expect, it } from 'vitest';
import { isOnTick, krxDailyLimits, krxTickSize, requiresWholeShares, tickSizeOf } from './tick-sizes.ts';

describe('share order rules', () => {
  it.each([
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
  ])('KRX tick at %d KRW is %d', (price, tick) => {
    expect(krxTickSize(price)).toBe(tick);
  });

  it('ticks by symbol: KRX table, US cents (sub-dollar 1/100 cent), none for crypto', () => {
    expect(tickSizeOf('005930.KS', 55_300)).toBe(100);
    expect(isOnTick('005930.KS', 55_300)).toBe(true);
    expect(isOnTick('005930.KS', 55_350)).toBe(false);
    expect(tickSizeOf('AAPL.US', 226.55)).toBe(0.01);
    expect(isOnTick('AAPL.US', 226.55)).toBe(true);
    expect(isOnTick('AAPL.US', 226.555)).toBe(false);
    expect(tickSizeOf('SNDL.US', 0.5)).toBe(0.0001);
    expect(tickSizeOf('BTC-USDT', 1.23456)).toBeNull();
    expect(isOnTick('BTC-USDT', 1.23456)).toBe(true);
  });

  it('whole shares on exchanges, fractions on crypto', () => {
    expect(requiresWholeShares('005930.KS')).toBe(true);
    expect(requiresWholeShares('AAPL.US')).toBe(true);
    expect(requiresWholeShares('BTC-USDT')).toBe(false);
  });

  it('KRX daily limits: ±30 % rounded inward to the tick of the limit price', () => {
    expect(krxDailyLimits(55_300)).toEqual({ upper: 71_800, lower: 38_750 }); // 71,890 → 71,800; 38,710 → 38,750
    expect(krxDailyLimits(10_000)).toEqual({ upper: 13_000, lower: 7_000 });
    expect(krxDailyLimits(1_500)).toEqual({ upper: 1_950, lower: 1_050 });
  });
});
