/**
 * @module MACD: line = EMA(fast) - EMA(slow), both SMA-seeded; signal = EMA(signal) of the line,
 * seeded with the SMA of its first `signal` values; histogram = line - signal.
 */
import { EmaStream } from './moving-average-streams.ts';
import { ema } from './moving-averages.ts';
import { checkPeriod, nanArray } from './shared.ts';

/** Batch MACD output; `NaN` in warm-up. */
export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** Streaming MACD value; the stream returns the same object on every call (copy it to keep it). */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/** Batch MACD. The line starts at index `slow - 1`, signal and histogram at `slow + signal - 2`. */
export function macd(closes: ArrayLike<number>, fast = 12, slow = 26, signal = 9): MacdResult {
  checkPeriod(signal, 'signal');
  const n = closes.length;
  const f = ema(closes, fast);
  const s = ema(closes, slow);
  const start = Math.max(fast, slow) - 1;
  const line = nanArray(n, start);
  for (let i = start; i < n; i++) line[i] = f[i]! - s[i]!;
  const sig = nanArray(n, start);
  const hist = nanArray(n, start + signal - 1);
  if (n > start) {
    sig.set(ema(line.subarray(start), signal), start);
    for (let i = start + signal - 1; i < n; i++) hist[i] = line[i]! - sig[i]!;
  }
  return { macd: line, signal: sig, histogram: hist };
}

/** Streaming MACD. */
export class MacdStream {
  readonly #fast: EmaStream;
  readonly #slow: EmaStream;
  readonly #signal: EmaStream;
  readonly #value: MacdValue = { macd: NaN, signal: NaN, histogram: NaN };
  #signalFed = false;

  /** @param fast @default 12 @param slow @default 26 @param signal @default 9 */
  constructor(fast = 12, slow = 26, signal = 9) {
    this.#fast = new EmaStream(fast);
    this.#slow = new EmaStream(slow);
    this.#signal = new EmaStream(signal);
  }

  /** Appends a bar's close. */
  update(close: number): Readonly<MacdValue> {
    this.#signalFed = false;
    return this.#set(this.#fast.update(close), this.#slow.update(close));
  }

  /** Revises the forming bar's close. */
  replace(close: number): Readonly<MacdValue> {
    return this.#set(this.#fast.replace(close), this.#slow.replace(close));
  }

  #set(f: number, s: number): MacdValue {
    const v = this.#value;
    const line = f - s;
    v.macd = line;
    if (line !== line) {
      v.signal = v.histogram = NaN;
      return v;
    }
    // The signal EMA sees one value per bar: update once for a new bar, replace after that.
    const sig = this.#signalFed ? this.#signal.replace(line) : this.#signal.update(line);
    this.#signalFed = true;
    v.signal = sig;
    v.histogram = line - sig;
    return v;
  }
}
