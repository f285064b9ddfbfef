import { describe, expect, it } from 'vitest';
import type { TradeStats } from './ledger.ts';
import { CAGR_NOTE, computeMetrics } from './metrics.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);
const NO_TRADES: TradeStats = { tradeCount: 0, wins: 0, losses: 0, grossProfit: 0, grossLoss: 0, feesPaid: 0 };

/** Equity `values` at consecutive closes `stepMs` apart, from a first bar opening at T0. */
function metricsOf(values: number[], stepMs: number, capital = 1000) {
  const time = Float64Array.from(values.map((_, i) => T0 + (i + 1) * stepMs));
  return computeMetrics(time, Float64Array.from(values), NO_TRADES, capital, 0, T0);
}

describe('metrics - ratios on per-bar returns, annualised by the bar length', () => {
  it('scores four hourly bars by hand (docs/backtesting.md#metrics)', () => {
    // Given 1,000 of capital and equity 1010, 1005, 1020, 1000 at four hourly closes
    const m = metricsOf([1010, 1005, 1020, 1000], HOUR);
    // Then per-bar returns r = 0.01, −0.004950495, 0.014925373, −0.019607843
    //   mean = 0.0000917587, sample std = 0.0156173835, downside √(Σmin(r,0)²/4) = 0.0101115641
    //   bars per year = 365 d / 1 h = 8,760, √8,760 = 93.5949
    //   Sharpe = 0.0000917587 / 0.0156173835 × 93.5949 = 0.549909
    //   Sortino = 0.0000917587 / 0.0101115641 × 93.5949 = 0.849339
    //   volatility = 0.0156173835 × 93.5949 = 1.461707
    expect(m.sharpe).toBeCloseTo(0.549909, 5);
    expect(m.sortino).toBeCloseTo(0.849339, 5);
    expect(m.volatility).toBeCloseTo(1.461707, 5);
    // And a four-hour run's CAGR is not extrapolated to a year
    expect(m.cagr).toBeNull();
    expect(m.cagrNote).toBe(CAGR_NOTE);
    expect(m.calmar).toBeNull();
    expect(m.totalReturn).toBe(0);
  });

  it('gives a tiny losing run no −100 % CAGR', () => {
    // Given six one-minute bars losing 1 % in all
    const m = metricsOf([999, 998, 997, 996, 995, 990], 60_000);
    expect(m.cagr).toBeNull();
    expect(m.totalReturn).toBeCloseTo(-0.01, 12);
    expect(m.sharpe).not.toBeNull();
  });

  it('reports CAGR from 30 days on', () => {
    const values = Array.from({ length: 30 }, (_, i) => 1000 + i);
    const m = metricsOf(values, DAY);
    expect(m.cagr).toBeCloseTo((1029 / 1000) ** (365 / 30) - 1, 9);
    expect(m.cagrNote).toBeUndefined();
  });

  it('counts the bars a year has when data has gaps (each return spans its gap)', () => {
    // Given the same returns on hourly bars and on bars two hours apart
    const hourly = metricsOf([1010, 1005, 1020, 1000], HOUR);
    const twoHourly = metricsOf([1010, 1005, 1020, 1000], 2 * HOUR);
    // Then the slower bars make half as many a year: the ratio shrinks by √2
    expect(twoHourly.sharpe! * Math.SQRT2).toBeCloseTo(hourly.sharpe!, 9);
  });
});
