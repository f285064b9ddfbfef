/** @module A FIFO with O(1) push and amortised O(1) removal from the front (no `Array.shift`). */

/** Items are read with {@link peek} and removed with {@link drop} once handled. */
export class RecordQueue<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Up to `max` items from the front, without removing them. */
  peek(max: number): T[] {
    return this.#items.slice(this.#head, this.#head + max);
  }

  /** Removes `count` items from the front. */
  drop(count: number): void {
    this.#head = Math.min(this.#head + count, this.#items.length);
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      // Compact once the dead prefix outweighs the live items, so memory follows the length.
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Removes and returns every item. */
  takeAll(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
