/**
 * @module Sliding-window maximum or minimum over the last `size - 1` committed values, by a
 * monotonic deque (amortised O(1) per value). The forming value is combined by the caller, which is
 * what lets `replace` revise it without touching the deque.
 */
export class WindowExtreme {
  readonly #size: number;
  readonly #max: boolean;
  readonly #idx: Float64Array;
  readonly #val: Float64Array;
  #front = 0;
  #len = 0;
  #count = 0;

  constructor(size: number, max: boolean) {
    this.#size = size;
    this.#max = max;
    this.#idx = new Float64Array(size);
    this.#val = new Float64Array(size);
  }

  /** The extreme of the committed values that stay in the window with the forming one. */
  peek(): number {
    return this.#len === 0 ? (this.#max ? -Infinity : Infinity) : this.#val[this.#front]!;
  }

  /** Commits a value (the forming bar becomes history). */
  push(value: number): void {
    const size = this.#size;
    const idx = this.#idx;
    const val = this.#val;
    // Drop dominated values from the back: they can never be the extreme again.
    while (this.#len > 0) {
      let back = this.#front + this.#len - 1;
      if (back >= size) back -= size;
      if (this.#max ? val[back]! > value : val[back]! < value) break;
      this.#len--;
    }
    let slot = this.#front + this.#len;
    if (slot >= size) slot -= size;
    idx[slot] = this.#count;
    val[slot] = value;
    this.#len++;
    this.#count++;
    // Keep only the last size - 1 committed values: the forming bar fills the window.
    const oldest = this.#count - (size - 1);
    while (this.#len > 0 && idx[this.#front]! < oldest) {
      this.#front = this.#front + 1 === size ? 0 : this.#front + 1;
      this.#len--;
    }
  }
}
