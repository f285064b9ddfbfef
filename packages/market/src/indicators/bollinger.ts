/**
 * @module Bollinger Bands: middle = SMA(period), bands = middle ± k × POPULATION standard deviation
 * (divide by `period`, as Bollinger and StockCharts do). Sums are kept relative to a shift (the mean
 * at the last exact recompute) so the variance does not lose digits to cancellation.
 */
import { checkPeriod, warmupArray } from './shared.ts';

/** Batch bands; `NaN` for the first `period - 1` values. */
export interface BollingerResult {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/** Streaming value; the stream returns the same object on every call (copy it to keep it). */
export interface BollingerValue {
  middle: number;
  upper: number;
  lower: number;
}

/** Batch Bollinger Bands. */
export function bollinger(values: ArrayLike<number>, period = 20, k = 2): BollingerResult {
  checkPeriod(period);
  const n = values.length;
  const middle = warmupArray(n, period - 1);
  const upper = warmupArray(n, period - 1);
  const lower = warmupArray(n, period - 1);
  let shift = n > 0 ? values[0]! : 0;
  let s1 = 0;
  let s2 = 0;
  let untilRecompute = period;
  for (let i = 0; i < n; i++) {
    const x = values[i]! - shift;
    s1 += x;
    s2 += x * x;
    if (i >= period) {
      const o = values[i - period]! - shift;
      s1 -= o;
      s2 -= o * o;
    }
    if (--untilRecompute === 0) {
      untilRecompute = period;
      let m = 0;
      for (let j = i - period + 1; j <= i; j++) m += values[j]!;
      shift = m / period;
      s1 = 0;
      s2 = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = values[j]! - shift;
        s1 += d;
        s2 += d * d;
      }
    }
    if (i >= period - 1) {
      const mean = s1 / period;
      const v = s2 / period - mean * mean;
      const sd = v > 0 ? Math.sqrt(v) : 0;
      const mid = mean + shift;
      middle[i] = mid;
      upper[i] = mid + k * sd;
      lower[i] = mid - k * sd;
    }
  }
  return { middle, upper, lower };
}

/** Streaming Bollinger Bands. */
export class BollingerStream {
  readonly period: number;
  readonly k: number;
  readonly #ring: Float64Array;
  readonly #value: BollingerValue = { middle: NaN, upper: NaN, lower: NaN };
  #head = 0;
  #shift = NaN;
  #s1 = 0;
  #s2 = 0;
  #committed = 0;
  #untilRecompute: number;
  #forming = NaN;
  #hasForming = false;

  /** @param period @default 20 @param k band width in standard deviations. @default 2 */
  constructor(period = 20, k = 2) {
    checkPeriod(period);
    this.period = period;
    this.k = k;
    this.#ring = new Float64Array(period);
    this.#untilRecompute = period;
  }

  /** Appends a bar's value. */
  update(value: number): Readonly<BollingerValue> {
    if (this.#hasForming) this.#commit(this.#forming);
    return this.replace(value);
  }

  /** Revises the forming bar's value. */
  replace(value: number): Readonly<BollingerValue> {
    this.#hasForming = true;
    this.#forming = value;
    const out = this.#value;
    if (this.#committed < this.period - 1) return out;
    const shift = this.#committed === 0 ? value : this.#shift;
    const o = this.#committed >= this.period ? this.#ring[this.#head]! - shift : 0;
    const x = value - shift;
    const mean = (this.#s1 - o + x) / this.period;
    const v = (this.#s2 - o * o + x * x) / this.period - mean * mean;
    const sd = v > 0 ? Math.sqrt(v) : 0;
    const mid = mean + shift;
    out.middle = mid;
    out.upper = mid + this.k * sd;
    out.lower = mid - this.k * sd;
    return out;
  }

  #commit(value: number): void {
    const ring = this.#ring;
    if (this.#committed === 0) this.#shift = value;
    const shift = this.#shift;
    const x = value - shift;
    this.#s1 += x;
    this.#s2 += x * x;
    if (this.#committed >= this.period) {
      const o = ring[this.#head]! - shift;
      this.#s1 -= o;
      this.#s2 -= o * o;
    }
    ring[this.#head] = value;
    this.#head = this.#head + 1 === this.period ? 0 : this.#head + 1;
    this.#committed++;
    if (--this.#untilRecompute === 0) {
      this.#untilRecompute = this.period;
      let m = 0;
      for (let i = 0; i < this.period; i++) m += ring[i]!;
      this.#shift = m / this.period;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < this.period; i++) {
        const d = ring[i]! - this.#shift;
        s1 += d;
        s2 += d * d;
      }
      this.#s1 = s1;
      this.#s2 = s2;
    }
  }
}
