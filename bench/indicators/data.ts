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

/**
 * Which shapes to build: a timing builds only what its implementation reads, so no one's run pays
 * for collecting a million candle objects it never touches (see time-worker.ts).
 * @default 'all'
 */
export type DataShapes = 'typed' | 'arrays' | 'all';

export function makeData(n: number, seed: number, shapes: DataShapes = 'all'): BenchData {
  const s = randomWalkOhlcv(n, seed);
  const typical = new Float64Array(n);
  const trueRange = new Float64Array(n);
  const withCandles = shapes === 'all';
  const candles: BenchData['candles'] = withCandles ? new Array(n) : [];
  for (let i = 0; i < n; i++) {
    typical[i] = (s.high[i]! + s.low[i]! + s.close[i]!) / 3;
    const prev = i === 0 ? NaN : s.close[i - 1]!;
    trueRange[i] =
      i === 0
        ? s.high[i]! - s.low[i]!
        : Math.max(s.high[i]! - s.low[i]!, Math.abs(s.high[i]! - prev), Math.abs(s.low[i]! - prev));
    if (withCandles)
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
    arrays:
      shapes === 'typed'
        ? { high: [], low: [], close: [], volume: [] }
        : {
            high: Array.from(s.high),
            low: Array.from(s.low),
            close: Array.from(s.close),
            volume: Array.from(s.volume),
          },
    candles,
  };
}
