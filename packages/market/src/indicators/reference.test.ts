import { describe, expect, it } from 'vitest';
import { atr, bollinger, ema, rsi, sma } from '../index.ts';
import { stockchartsMovingAverages as ma, stockchartsRsi, tulip } from './reference-fixtures.ts';

/** Published figures are rounded to 2 decimals. */
function expectRounded(
  actual: Float64Array,
  expected: readonly number[],
  from: number,
  tolerance = 0.005,
): void {
  for (let i = 0; i < from; i++) expect(actual[i]).toBeNaN();
  expected.forEach((value, j) => {
    expect(Math.abs(actual[from + j]! - value), `index ${from + j}`).toBeLessThanOrEqual(tolerance + 1e-9);
  });
}

describe('indicators reference', () => {
  it('sma - StockCharts 10-day SMA', () => {
    expectRounded(sma(ma.closes, ma.period), ma.sma, ma.period - 1, 0.01);
  });

  it('ema - StockCharts 10-day EMA seeded with the SMA', () => {
    expectRounded(ema(ma.closes, ma.period), ma.ema, ma.period - 1, 0.01);
  });

  it('rsi - StockCharts Wilder 14-day RSI', () => {
    expectRounded(
      rsi(stockchartsRsi.closes, stockchartsRsi.period),
      stockchartsRsi.rsi,
      stockchartsRsi.period,
    );
  });

  it('atr - Tulip Indicators ATR(5) with Wilder smoothing', () => {
    expectRounded(atr(tulip.high, tulip.low, tulip.close, tulip.period), tulip.atr, tulip.period - 1);
  });

  it('bollinger - Tulip Indicators BBANDS(5, 2) with population std dev', () => {
    const bb = bollinger(tulip.close, tulip.period, 2);
    expectRounded(bb.lower, tulip.bbLower, tulip.period - 1);
    expectRounded(bb.middle, tulip.bbMiddle, tulip.period - 1);
    expectRounded(bb.upper, tulip.bbUpper, tulip.period - 1);
  });
});
