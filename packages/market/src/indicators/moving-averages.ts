/**
 * @module Simple, exponential and weighted moving averages, batch and streaming.
 * Running sums are recomputed exactly once per `period` bars so rounding cannot drift.
 */
import { checkPeriod, nanArray } from './shared.ts';

/** Simple moving average; `NaN` for the first `period - 1` values. */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod(period);
  const n = values.length;
  const out = nanArray(n);
  const warm = Math.min(period, n);
  let sum = 0;
  for (let i = 0; i < warm; i++) sum += values[i]!;
  if (n >= period) out[period - 1] = sum / period;
  // Exact recompute once per period bounds the error of the add/subtract pairs (a countdown, not %,
  // keeps the hot loop free of integer division).
  let untilRecompute = period;
  for (let i = period; i < n; i++) {
    sum += values[i]! - values[i - period]!;
    if (--untilRecompute === 0) {
      untilRecompute = period;
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += values[j]!;
    }
    out[i] = sum / period;
  }
  return out;
}

/** Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` values. */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod(period);
  const n = values.length;
  const out = nanArray(n);
  if (n < period) return out;
  const alpha = 2 / (period + 1);
  let sum = 0;
  for (let i = 0; i < period; i++) sum += values[i]!;
  let prev = sum / period;
  out[period - 1] = prev;
  for (let i = period; i < n; i++) {
    prev += alpha * (values[i]! - prev);
    out[i] = prev;
  }
  return out;
}

/** Linearly weighted moving average (newest weight `period`, oldest 1); `NaN` for the first `period - 1`. */
export function wma(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod(period);
  const n = values.length;
  const out = nanArray(n);
  const denom = (period * (period + 1)) / 2;
  let sum = 0;
  let num = 0;
  const warm = Math.min(period, n);
  for (let i = 0; i < warm; i++) {
    // Zero padding before the series keeps one recurrence for warm-up and steady state.
    num += period * values[i]! - sum;
    sum += values[i]!;
  }
  if (n >= period) out[period - 1] = num / denom;
  let untilRecompute = period;
  for (let i = period; i < n; i++) {
    const x = values[i]!;
    num += period * x - sum;
    sum += x - values[i - period]!;
    if (--untilRecompute === 0) {
      untilRecompute = period;
      sum = 0;
      num = 0;
      for (let j = i - period + 1, w = 1; j <= i; j++, w++) {
        sum += values[j]!;
        num += w * values[j]!;
      }
    }
    out[i] = num / denom;
  }
  return out;
}
