/**
 * @module Relative Strength Index with Wilder smoothing: the first average gain/loss is the simple
 * mean of the first `period` changes, then avg = (prev * (period - 1) + current) / period.
 */
import { checkPeriod, warmupArray } from './shared.ts';

/** RSI from average gain and loss; 100 when there were no losses, 50 when nothing moved. */
function rsiFrom(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

/** Wilder RSI; the first value is at index `period` (it needs `period` changes). */
export function rsi(closes: ArrayLike<number>, period = 14): Float64Array {
  checkPeriod(period);
  const n = closes.length;
  const out = warmupArray(n, n <= period ? n : period);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = closes[i]! - closes[i - 1]!;
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
  }
  gain /= period;
  loss /= period;
  out[period] = rsiFrom(gain, loss);
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    const d = closes[i]! - closes[i - 1]!;
    gain = (gain * keep + Math.max(d, 0)) / period;
    loss = (loss * keep + Math.max(-d, 0)) / period;
    out[i] = rsiFrom(gain, loss);
  }
  return out;
}

/** Streaming Wilder RSI. */
export class RsiStream {
  readonly period: number;
  #prevClose = NaN;
  #gain = 0;
  #loss = 0;
  #committed = 0;
  #forming = NaN;
  #hasForming = false;

  /** @param period lookback in bars. @default 14 */
  constructor(period = 14) {
    checkPeriod(period);
    this.period = period;
  }

  /** Appends a bar's close; returns the RSI including it (`NaN` in warm-up). */
  update(close: number): number {
    if (this.#hasForming) this.#commit(this.#forming);
    return this.replace(close);
  }

  /** Revises the forming bar's close without advancing. */
  replace(close: number): number {
    this.#hasForming = true;
    this.#forming = close;
    const c = this.#committed;
    if (c < this.period) return NaN;
    const d = close - this.#prevClose;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    if (c === this.period) return rsiFrom((this.#gain + up) / this.period, (this.#loss + down) / this.period);
    const keep = this.period - 1;
    return rsiFrom((this.#gain * keep + up) / this.period, (this.#loss * keep + down) / this.period);
  }

  #commit(close: number): void {
    const c = this.#committed++;
    if (c === 0) {
      this.#prevClose = close;
      return;
    }
    const d = close - this.#prevClose;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    this.#prevClose = close;
    if (c < this.period) {
      // Still summing the seed changes.
      this.#gain += up;
      this.#loss += down;
      return;
    }
    const keep = this.period - 1;
    if (c === this.period) {
      this.#gain = (this.#gain + up) / this.period;
      this.#loss = (this.#loss + down) / this.period;
    } else {
      this.#gain = (this.#gain * keep + up) / this.period;
      this.#loss = (this.#loss * keep + down) / this.period;
    }
  }
}
