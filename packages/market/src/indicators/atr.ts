/**
 * @module Average True Range with Wilder smoothing. The first true range is high - low (no previous
 * close); the first ATR, at index `period - 1`, is the mean of the first `period` true ranges.
 */
import { checkPeriod, checkSameLength, warmupArray } from './shared.ts';

function trueRange(high: number, low: number, prevClose: number): number {
  const hl = high - low;
  if (prevClose !== prevClose) return hl; // NaN: first bar
  const hc = Math.abs(high - prevClose);
  const lc = Math.abs(low - prevClose);
  return hl > hc ? (hl > lc ? hl : lc) : hc > lc ? hc : lc;
}

/** Wilder ATR; `NaN` for the first `period - 1` bars. */
export function atr(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period = 14,
): Float64Array {
  checkPeriod(period);
  checkSameLength(high, low, close);
  const n = close.length;
  const out = warmupArray(n, period - 1);
  let avg = 0;
  let prevClose = NaN;
  for (let i = 0; i < n; i++) {
    const tr = trueRange(high[i]!, low[i]!, prevClose);
    prevClose = close[i]!;
    if (i < period) {
      avg += tr;
      if (i === period - 1) out[i] = avg /= period;
    } else {
      avg = (avg * (period - 1) + tr) / period;
      out[i] = avg;
    }
  }
  return out;
}

/** Streaming Wilder ATR; `update(high, low, close)`. */
export class AtrStream {
  readonly period: number;
  #prevClose = NaN;
  #avg = 0;
  #committed = 0;
  #h = NaN;
  #l = NaN;
  #c = NaN;
  #hasForming = false;

  /** @param period lookback in bars. @default 14 */
  constructor(period = 14) {
    checkPeriod(period);
    this.period = period;
  }

  /** Appends a bar; returns the ATR including it (`NaN` in warm-up). */
  update(high: number, low: number, close: number): number {
    if (this.#hasForming) this.#commit();
    return this.replace(high, low, close);
  }

  /** Revises the forming bar without advancing. */
  replace(high: number, low: number, close: number): number {
    this.#hasForming = true;
    this.#h = high;
    this.#l = low;
    this.#c = close;
    const c = this.#committed;
    if (c < this.period - 1) return NaN;
    const tr = trueRange(high, low, this.#prevClose);
    if (c === this.period - 1) return (this.#avg + tr) / this.period;
    return (this.#avg * (this.period - 1) + tr) / this.period;
  }

  #commit(): void {
    const tr = trueRange(this.#h, this.#l, this.#prevClose);
    this.#prevClose = this.#c;
    const c = this.#committed++;
    if (c < this.period - 1) this.#avg += tr;
    else if (c === this.period - 1) this.#avg = (this.#avg + tr) / this.period;
    else this.#avg = (this.#avg * (this.period - 1) + tr) / this.period;
  }
}
