/** @module The last N durations in a ring, for percentiles on demand (stats, admin, benchmarks). */

/** A fixed-size ring of durations in milliseconds. */
export class DurationWindow {
  readonly #values: Float64Array;
  #next = 0;
  #count = 0;

  /** @param capacity how many recent values to keep @default 1200 (a minute at 20 Hz) */
  constructor(capacity = 1200) {
    this.#values = new Float64Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
  }

  /** The q-quantile (0–1) of the kept values, nearest-rank; 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const sorted = this.#values.slice(0, this.#count).sort();
    const rank = Math.min(this.#count - 1, Math.max(0, Math.ceil(q * this.#count) - 1));
    return sorted[rank]!;
  }

  clear(): void {
    this.#next = 0;
    this.#count = 0;
  }
}
