/**
 * @module Stochastic oscillator (fast): %K = 100 × (close − lowest low) / (highest high − lowest low)
 * over `kPeriod` bars; %D = SMA(dPeriod) of %K. %K is 50 when the range is zero.
 */
import { SmaStream } from './moving-average-streams.ts';
import { sma } from './moving-averages.ts';
import { checkPeriod, checkSameLength, warmupArray } from './shared.ts';
import { WindowExtreme } from './window-extreme.ts';

/** Batch output; %K from index `kPeriod - 1`, %D from `kPeriod + dPeriod - 2`. */
export interface StochasticResult {
  k: Float64Array;
  d: Float64Array;
}

/** Streaming value; the stream returns the same object on every call (copy it to keep it). */
export interface StochasticValue {
  k: number;
  d: number;
}

function percentK(close: number, hh: number, ll: number): number {
  const range = hh - ll;
  return range === 0 ? 50 : (100 * (close - ll)) / range;
}

/** Batch stochastic oscillator. */
export function stochastic(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  kPeriod = 14,
  dPeriod = 3,
): StochasticResult {
  checkPeriod(kPeriod, 'kPeriod');
  checkPeriod(dPeriod, 'dPeriod');
  checkSameLength(high, low, close);
  const n = close.length;
  const k = warmupArray(n, kPeriod - 1);
  const d = warmupArray(n, kPeriod - 1);
  const hi = new WindowExtreme(kPeriod, true);
  const lo = new WindowExtreme(kPeriod, false);
  for (let i = 0; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    if (i >= kPeriod - 1) {
      const hh = hi.peek();
      const ll = lo.peek();
      k[i] = percentK(close[i]!, hh > h ? hh : h, ll < l ? ll : l);
    }
    hi.push(h);
    lo.push(l);
  }
  if (n >= kPeriod) d.set(sma(k.subarray(kPeriod - 1), dPeriod), kPeriod - 1);
  return { k, d };
}

/** Streaming stochastic oscillator; `update(high, low, close)`. */
export class StochasticStream {
  readonly kPeriod: number;
  readonly #hi: WindowExtreme;
  readonly #lo: WindowExtreme;
  readonly #d: SmaStream;
  readonly #value: StochasticValue = { k: NaN, d: NaN };
  #committed = 0;
  #h = NaN;
  #l = NaN;
  #hasForming = false;
  #dFed = false;

  /** @param kPeriod @default 14 @param dPeriod @default 3 */
  constructor(kPeriod = 14, dPeriod = 3) {
    checkPeriod(kPeriod, 'kPeriod');
    this.kPeriod = kPeriod;
    this.#hi = new WindowExtreme(kPeriod, true);
    this.#lo = new WindowExtreme(kPeriod, false);
    this.#d = new SmaStream(dPeriod);
  }

  /** Appends a bar. */
  update(high: number, low: number, close: number): Readonly<StochasticValue> {
    if (this.#hasForming) {
      this.#hi.push(this.#h);
      this.#lo.push(this.#l);
      this.#committed++;
    }
    this.#dFed = false;
    return this.replace(high, low, close);
  }

  /** Revises the forming bar. */
  replace(high: number, low: number, close: number): Readonly<StochasticValue> {
    this.#hasForming = true;
    this.#h = high;
    this.#l = low;
    const out = this.#value;
    if (this.#committed < this.kPeriod - 1) return out;
    const hh = this.#hi.peek();
    const ll = this.#lo.peek();
    const k = percentK(close, hh > high ? hh : high, ll < low ? ll : low);
    out.k = k;
    out.d = this.#dFed ? this.#d.replace(k) : this.#d.update(k);
    this.#dFed = true;
    return out;
  }
}
