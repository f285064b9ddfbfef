/**
 * @module Curves cut to a number of points for charts: every n-th point and the last. Used on the
 * equity curve (in the isolate, so a run returns 2,000 points instead of a million) and, as a
 * stream, on plot series (a strategy may plot every bar; a run keeps a bounded number of points).
 */

/** Points kept of the equity curve for charts (the metrics use every bar). */
export const EQUITY_POINTS = 2_000;

/**
 * Every `step`-th value and the last, `step` the least that keeps at most `points` (+ the last).
 * A curve of at most `points + 1` values is returned as it is, so cutting twice changes nothing.
 */
export function downsampleColumns(
  time: Float64Array,
  value: Float64Array,
  points: number,
): { time: Float64Array; value: Float64Array } {
  const n = time.length;
  if (n <= points + 1) return { time, value };
  const step = Math.ceil(n / points);
  const kept = Math.ceil(n / step) + ((n - 1) % step === 0 ? 0 : 1);
  const outTime = new Float64Array(kept);
  const outValue = new Float64Array(kept);
  let k = 0;
  for (let i = 0; i < n; i += step, k++) {
    outTime[k] = time[i]!;
    outValue[k] = value[i]!;
  }
  if (k < kept) {
    outTime[k] = time[n - 1]!;
    outValue[k] = value[n - 1]!;
  }
  return { time: outTime, value: outValue };
}

/**
 * A series fed one point at a time that keeps at most `capacity` of them, evenly spaced: when full,
 * every other point goes and the stride doubles, so it holds every n-th point seen (n a power of
 * two) — what {@link downsampleColumns} keeps, without holding the whole series first. The last
 * point seen is kept apart and shown at the end.
 */
export class StreamingSeries {
  readonly time: number[] = [];
  readonly value: number[] = [];
  #stride = 1;
  #seen = 0;
  #lastTime = NaN;
  #lastValue = NaN;
  readonly #capacity: number;

  constructor(capacity: number) {
    // Even, so halving keeps the stride's multiples.
    this.#capacity = Math.max(2, capacity - (capacity % 2));
  }

  /** Points seen (kept or not). */
  get seen(): number {
    return this.#seen;
  }

  push(time: number, value: number): void {
    const i = this.#seen++;
    this.#lastTime = time;
    this.#lastValue = value;
    if (i % this.#stride !== 0) return;
    if (this.time.length === this.#capacity) {
      let k = 0;
      for (let j = 0; j < this.time.length; j += 2, k++) {
        this.time[k] = this.time[j]!;
        this.value[k] = this.value[j]!;
      }
      this.time.length = k;
      this.value.length = k;
      this.#stride *= 2;
      if (i % this.#stride !== 0) return;
    }
    this.time.push(time);
    this.value.push(value);
  }

  /** The kept points and the last one seen, as columns. */
  points(): { time: number[]; value: number[] } {
    const keptLast = (this.#seen - 1) % this.#stride === 0;
    if (this.#seen === 0 || keptLast) return { time: this.time, value: this.value };
    return { time: [...this.time, this.#lastTime], value: [...this.value, this.#lastValue] };
  }
}
