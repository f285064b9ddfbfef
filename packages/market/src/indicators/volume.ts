/**
 * @module Volume indicators. VWAP is cumulative from the session start: Σ(price × volume) / Σ volume,
 * reset when the session key changes (pass typical price (H+L+C)/3 or close, as you prefer; `NaN`
 * while the session volume is 0). The price-volume sum is Kahan-compensated. OBV starts at 0 on the
 * first bar and adds (close up) or subtracts (close down) the bar's volume.
 */
import { checkSameLength, warmupArray } from './shared.ts';

/** Batch VWAP; `session[i]` (optional) is any key that changes at a session boundary. */
export function vwap(
  price: ArrayLike<number>,
  volume: ArrayLike<number>,
  session?: ArrayLike<number>,
): Float64Array {
  checkSameLength(price, volume);
  if (session !== undefined) checkSameLength(price, session);
  const n = price.length;
  const out = warmupArray(n, 0);
  let pv = 0;
  let comp = 0;
  let vol = 0;
  let key = session === undefined ? 0 : session[0]!;
  for (let i = 0; i < n; i++) {
    if (session !== undefined && session[i] !== key) {
      key = session[i]!;
      pv = comp = vol = 0;
    }
    const y = price[i]! * volume[i]! - comp;
    const t = pv + y;
    comp = t - pv - y;
    pv = t;
    vol += volume[i]!;
    out[i] = vol === 0 ? NaN : pv / vol;
  }
  return out;
}

/** Streaming VWAP; `update(price, volume, session?)`. */
export class VwapStream {
  #pv = 0;
  #comp = 0;
  #vol = 0;
  #session = NaN;
  #p = 0;
  #v = 0;
  #s = 0;
  #hasForming = false;

  /** Appends a bar. `session` defaults to 0 (one endless session). */
  update(price: number, volume: number, session = 0): number {
    if (this.#hasForming) {
      if (this.#s !== this.#session) this.#reset(this.#s);
      const y = this.#p * this.#v - this.#comp;
      const t = this.#pv + y;
      this.#comp = t - this.#pv - y;
      this.#pv = t;
      this.#vol += this.#v;
    }
    return this.replace(price, volume, session);
  }

  /** Revises the forming bar. */
  replace(price: number, volume: number, session = 0): number {
    this.#hasForming = true;
    this.#p = price;
    this.#v = volume;
    this.#s = session;
    const fresh = session !== this.#session;
    const pv = fresh ? price * volume : this.#pv + (price * volume - this.#comp);
    const vol = fresh ? volume : this.#vol + volume;
    return vol === 0 ? NaN : pv / vol;
  }

  #reset(session: number): void {
    this.#session = session;
    this.#pv = this.#comp = this.#vol = 0;
  }
}

/** Batch on-balance volume. */
export function obv(close: ArrayLike<number>, volume: ArrayLike<number>): Float64Array {
  checkSameLength(close, volume);
  const n = close.length;
  const out = warmupArray(n, 0);
  if (n > 0) out[0] = 0;
  let acc = 0;
  for (let i = 1; i < n; i++) {
    // Branch-free: the sign of a random walk's change defeats the branch predictor.
    acc += Math.sign(close[i]! - close[i - 1]!) * volume[i]!;
    out[i] = acc;
  }
  return out;
}

/** Streaming on-balance volume; `update(close, volume)`. */
export class ObvStream {
  #acc = 0;
  #prevClose = NaN;
  #c = NaN;
  #v = 0;
  #hasForming = false;

  /** Appends a bar. */
  update(close: number, volume: number): number {
    if (this.#hasForming) {
      this.#acc = this.#value(this.#c, this.#v);
      this.#prevClose = this.#c;
    }
    return this.replace(close, volume);
  }

  /** Revises the forming bar. */
  replace(close: number, volume: number): number {
    this.#hasForming = true;
    this.#c = close;
    this.#v = volume;
    return this.#value(close, volume);
  }

  #value(close: number, volume: number): number {
    const d = close - this.#prevClose;
    // NaN before the first committed bar: the first bar contributes nothing.
    return d === d ? this.#acc + Math.sign(d) * volume : this.#acc;
  }
}
