/** @module Benchmark inputs: one deterministic OHLCV walk in every shape the peers take. */
import { randomWalkOhlcv, type OhlcvSeries } from '@tickline/market/internal';

/** The series as typed arrays (ours), plain arrays (indicatorts) and candle objects (trading-signals). */
export interface BenchData extends OhlcvSeries {
  n: number;
  /** Typical price (H + L + C) / 3, what trading-signals' VWAP uses. */
  typical: Float64Array;
  /** True range per bar (first bar: high − low), for comparing indicatorts' SMA-smoothed ATR. */
  trueRange: Float64Array;
  arrays: { high: number[]; low: number[]; close: number[]; volume: number[] };
  candles: Array<{ open: number; high: number; low: number; close: number; volume: number }>;
}

export function makeData(n: number, seed: number): BenchData {
  const s = randomWalkOhlcv(n, seed);
  const typical = new Float64Array(n);
  const trueRange = new Float64Array(n);
  const candles: BenchData['candles'] = new Array(n);
  for (let i = 0; i < n; i++) {
    typical[i] = (s.high[i]! + s.low[i]! + s.close[i]!) / 3;
    const prev = i === 0 ? NaN : s.close[i - 1]!;
    trueRange[i] =
      i === 0
        ? s.high[i]! - s.low[i]!
        : Math.max(s.high[i]! - s.low[i]!, Math.abs(s.high[i]! - prev), Math.abs(s.low[i]! - prev));
    candles[i] = {
      open: s.open[i]!,
      high: s.high[i]!,
      low: s.low[i]!,
      close: s.close[i]!,
      volume: s.volume[i]!,
    };
  }
  return {
    ...s,
    n,
    typical,
    trueRange,
    arrays: {
      high: Array.from(s.high),
      low: Array.from(s.low),
      close: Array.from(s.close),
      volume: Array.from(s.volume),
    },
    candles,
  };
}
