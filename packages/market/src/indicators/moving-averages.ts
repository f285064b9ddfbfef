/**
 * @module Simple, exponential and weighted moving averages, batch and streaming.
 * Running sums are recomputed exactly once per `period` bars so rounding cannot drift.
 */
import { checkPeriod, warmupArray } from './shared.ts';

/** Simple moving average; `NaN` for the first `period - 1` values. */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod(period);
  const n = values.length;
  // Every entry is written below: the warm-up here, the rest by the loops.
  const out = warmupArray(n, period - 1);
  // A multiply instead of a divide per value (the divide bounded the loop); ≤ 1 ulp apart.
  const inv = 1 / period;
  const warm = Math.min(period, n);
  let sum = 0;
  for (let i = 0; i < warm; i++) sum += values[i]!;
  if (n >= period) out[period - 1] = sum * inv;
  // Each block of `period` values also sums its own values from zero: at the block's end that is
  // the exact window sum, which replaces the running one, so the add/subtract pairs cannot drift —
  // without a second pass over the values.
  let i = period;
  for (let blockEnd = 2 * period; i < n; blockEnd += period) {
    const stop = blockEnd < n ? blockEnd : n;
    let fresh = 0;
    for (; i < stop; i++) {
      const x = values[i]!;
      sum += x - values[i - period]!;
      fresh += x;
      out[i] = sum * inv;
    }
    if (i < blockEnd) break;
    sum = fresh;
    out[blockEnd - 1] = sum * inv;
  }
  return out;
}

/** Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` values. */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod(period);
  const n = values.length;
  const out = warmupArray(n, n < period ? n : period - 1);
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
  const out = warmupArray(n, period - 1);
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
  let i = period;
  for (let blockEnd = 2 * period; i < n; blockEnd += period) {
    const stop = blockEnd < n ? blockEnd : n;
    for (; i < stop; i++) {
      const x = values[i]!;
      num += period * x - sum;
      sum += x - values[i - period]!;
      out[i] = num / denom;
    }
    if (i < blockEnd) break;
    sum = 0;
    num = 0;
    for (let j = blockEnd - period, w = 1; j < blockEnd; j++, w++) {
      sum += values[j]!;
      num += w * values[j]!;
    }
    out[blockEnd - 1] = num / denom;
  }
  return out;
}
