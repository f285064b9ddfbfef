/**
 * @module MACD: line = EMA(fast) - EMA(slow), both SMA-seeded; signal = EMA(signal) of the line,
 * seeded with the SMA of its first `signal` values; histogram = line - signal.
 */
import { EmaStream } from './moving-average-streams.ts';
import { checkPeriod, warmupArray } from './shared.ts';

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

/**
 * Batch MACD. The line starts at index `slow - 1`, signal and histogram at `slow + signal - 2`.
 * One pass after the seeds, with the same recurrences (and so the same rounding) as `ema`: three
 * EMAs as separate passes cost four extra arrays and three extra reads of the input.
 */
export function macd(closes: ArrayLike<number>, fast = 12, slow = 26, signal = 9): MacdResult {
  checkPeriod(fast, 'fast');
  checkPeriod(slow, 'slow');
  checkPeriod(signal, 'signal');
  const n = closes.length;
  const start = Math.max(fast, slow) - 1;
  const signalStart = start + signal - 1;
  const line = warmupArray(n, start);
  const sig = warmupArray(n, signalStart);
  const hist = warmupArray(n, signalStart);
  if (n <= start) return { macd: line, signal: sig, histogram: hist };
  const af = 2 / (fast + 1);
  const as = 2 / (slow + 1);
  const ag = 2 / (signal + 1);
  let ef = seededEma(closes, fast, start, af);
  let es = seededEma(closes, slow, start, as);
  let sum = (line[start] = ef - es);
  const seedEnd = Math.min(n, signalStart);
  for (let i = start + 1; i < seedEnd; i++) {
    const x = closes[i]!;
    ef += af * (x - ef);
    es += as * (x - es);
    sum += line[i] = ef - es;
  }
  if (n <= signalStart) return { macd: line, signal: sig, histogram: hist };
  let l = line[signalStart] ?? NaN;
  if (signalStart > start) {
    const x = closes[signalStart]!;
    ef += af * (x - ef);
    es += as * (x - es);
    l = line[signalStart] = ef - es;
    sum += l;
  }
  let g = sum / signal;
  sig[signalStart] = g;
  hist[signalStart] = l - g;
  for (let i = signalStart + 1; i < n; i++) {
    const x = closes[i]!;
    ef += af * (x - ef);
    es += as * (x - es);
    l = ef - es;
    g += ag * (l - g);
    line[i] = l;
    sig[i] = g;
    hist[i] = l - g;
  }
  return { macd: line, signal: sig, histogram: hist };
}

/** The SMA-seeded EMA of `period` at index `at` (at ≥ period − 1), as `ema` computes it. */
function seededEma(values: ArrayLike<number>, period: number, at: number, alpha: number): number {
  let sum = 0;
  for (let i = 0; i < period; i++) sum += values[i]!;
  let e = sum / period;
  for (let i = period; i <= at; i++) e += alpha * (values[i]! - e);
  return e;
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
