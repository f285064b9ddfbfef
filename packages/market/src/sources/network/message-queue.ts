/**
 * @module The bridge from a push socket to the pull-driven `messages()` iterable. Past the high
 * water mark it asks the producer to pause (the socket stops reading, TCP pushes back on the
 * venue) and to resume once the consumer drained it to half.
 */

/** Options for {@link MessageQueue}. */
export interface MessageQueueOptions {
  /** Queued messages that pause the producer. @default 10_000 */
  highWaterMark?: number;
  onPause?: () => void;
  onResume?: () => void;
}

export const DEFAULT_QUEUE_HIGH_WATER_MARK = 10_000;

/** A single-consumer async queue with pause/resume signalling. */
export class MessageQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  readonly #high: number;
  readonly #options: MessageQueueOptions;
  #paused = false;
  #closed = false;
  #wake: (() => void) | null = null;

  constructor(options: MessageQueueOptions = {}) {
    this.#options = options;
    this.#high = options.highWaterMark ?? DEFAULT_QUEUE_HIGH_WATER_MARK;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    if (this.#closed) return;
    this.#items.push(item);
    if (!this.#paused && this.size >= this.#high) {
      this.#paused = true;
      this.#options.onPause?.();
    }
    this.#wake?.();
  }

  /** Ends iteration once the queued items are read. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.#head < this.#items.length) {
        const item = this.#items[this.#head]!;
        this.#items[this.#head++] = undefined as T;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items.splice(0, this.#head);
          this.#head = 0;
        }
        if (this.#paused && this.size <= this.#high / 2) {
          this.#paused = false;
          this.#options.onResume?.();
        }
        yield item;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }
}
