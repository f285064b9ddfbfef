/**
 * @module The channels of one connection. Nearly every connection holds one channel, and a `Set`
 * of one costs ~0.2 KB (its hash table starts with room for several): one name is held as a
 * field, and a `Set` is made only when a second channel comes (issue 50).
 */
export class ChannelSet implements Iterable<string> {
  #one: string | undefined;
  #many: Set<string> | undefined;

  get size(): number {
    if (this.#many !== undefined) return this.#many.size;
    return this.#one === undefined ? 0 : 1;
  }

  has(channel: string): boolean {
    return this.#many !== undefined ? this.#many.has(channel) : this.#one === channel;
  }

  add(channel: string): this {
    if (this.#many !== undefined) this.#many.add(channel);
    else if (this.#one === undefined) this.#one = channel;
    else if (this.#one !== channel) {
      this.#many = new Set([this.#one, channel]);
      this.#one = undefined;
    }
    return this;
  }

  /** Removes `channel`; true when it was held. */
  delete(channel: string): boolean {
    if (this.#many !== undefined) return this.#many.delete(channel);
    if (this.#one !== channel) return false;
    this.#one = undefined;
    return true;
  }

  clear(): void {
    this.#one = undefined;
    this.#many = undefined;
  }

  *[Symbol.iterator](): Iterator<string> {
    if (this.#many !== undefined) yield* this.#many;
    else if (this.#one !== undefined) yield this.#one;
  }
}
