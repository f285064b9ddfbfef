/** @module A time-bounded map of recently appended ids → offsets, as JetStream's duplicate window. */

export const DEFAULT_DEDUPE_WINDOW_MS = 2 * 60 * 1000; // 2 minutes, JetStream's default

/** Remembers ids for `windowMs`; insertion-ordered, so expiry pops from the front. */
export class DedupeWindow {
  readonly #windowMs: number;
  readonly #offsets = new Map<string, number>();
  readonly #times: Array<[id: string, at: number]> = [];
  #head = 0;

  constructor(windowMs: number = DEFAULT_DEDUPE_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** The offset an id was stored at, if still inside the window. */
  get(id: string, now: number): number | undefined {
    this.#expire(now);
    return this.#offsets.get(id);
  }

  set(id: string, offset: number, now: number): void {
    this.#offsets.set(id, offset);
    this.#times.push([id, now]);
  }

  #expire(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#times.length && this.#times[this.#head]![1] < cutoff) {
      this.#offsets.delete(this.#times[this.#head]![0]);
      this.#head++;
    }
    // Compact occasionally so the array does not grow without bound.
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
