/**
 * @module A set that nearly always holds one item: a connection's channels, a GraphQL socket's
 * subscriptions. A `Set` of one costs ~0.2 KB (its hash table starts with room for several): one
 * item is held as a field, and a `Set` is made only when a second comes (issue 50).
 */
export class SmallSet<T extends NonNullable<unknown>> implements Iterable<T> {
  #one: T | undefined;
  #many: Set<T> | undefined;

  get size(): number {
    if (this.#many !== undefined) return this.#many.size;
    return this.#one === undefined ? 0 : 1;
  }

  has(item: T): boolean {
    return this.#many !== undefined ? this.#many.has(item) : this.#one === item;
  }

  add(item: T): this {
    if (this.#many !== undefined) this.#many.add(item);
    else if (this.#one === undefined) this.#one = item;
    else if (this.#one !== item) {
      this.#many = new Set([this.#one, item]);
      this.#one = undefined;
    }
    return this;
  }

  /** Removes `item`; true when it was held. */
  delete(item: T): boolean {
    if (this.#many !== undefined) return this.#many.delete(item);
    if (this.#one !== item) return false;
    this.#one = undefined;
    return true;
  }

  clear(): void {
    this.#one = undefined;
    this.#many = undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    if (this.#many !== undefined) yield* this.#many;
    else if (this.#one !== undefined) yield this.#one;
  }
}
