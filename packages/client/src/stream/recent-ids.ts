/** @module A bounded set of recently seen event ids: duplicates across reconnects are dropped. */

/** Ids remembered per subscription; above the realtime history's default 1,000 events per channel. */
export const DEFAULT_DEDUPE_WINDOW = 4_096;

export class RecentIds {
  readonly #capacity: number;
  readonly #set = new Set<string>();
  readonly #ring: string[] = [];
  #next = 0;

  constructor(capacity: number = DEFAULT_DEDUPE_WINDOW) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Records `id`; false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.#set.has(id)) return false;
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(id);
    } else {
      this.#set.delete(this.#ring[this.#next]!);
      this.#ring[this.#next] = id;
      this.#next = (this.#next + 1) % this.#capacity;
    }
    this.#set.add(id);
    return true;
  }

  get size(): number {
    return this.#set.size;
  }
}
