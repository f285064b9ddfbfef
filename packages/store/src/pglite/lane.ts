/**
 * @module The lane in front of the PGlite worker's single connection. Plain statements share it
 * (they are pipelined to the worker, which runs them one by one); a transaction takes it
 * exclusively from BEGIN to COMMIT, so no outside statement can land inside it. First come, first
 * served: a statement queued behind a waiting transaction waits for it.
 */

interface Waiter {
  exclusive: boolean;
  start: () => void;
}

export class Lane {
  #shared = 0;
  #exclusive = false;
  readonly #queue: Waiter[] = [];

  /** Runs `fn` alongside other shared work, after any exclusive work queued before it. */
  shared<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(false, fn);
  }

  /** Runs `fn` alone, after everything queued before it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#run(true, fn);
  }

  async #run<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(exclusive);
    try {
      return await fn();
    } finally {
      if (exclusive) this.#exclusive = false;
      else this.#shared--;
      this.#drain();
    }
  }

  #acquire(exclusive: boolean): Promise<void> {
    if (this.#queue.length === 0 && this.#canStart(exclusive)) {
      this.#grant(exclusive);
      return Promise.resolve();
    }
    return new Promise((start) => this.#queue.push({ exclusive, start }));
  }

  #canStart(exclusive: boolean): boolean {
    return !this.#exclusive && (!exclusive || this.#shared === 0);
  }

  #grant(exclusive: boolean): void {
    if (exclusive) this.#exclusive = true;
    else this.#shared++;
  }

  #drain(): void {
    for (let next = this.#queue[0]; next && this.#canStart(next.exclusive); next = this.#queue[0]) {
      this.#queue.shift();
      this.#grant(next.exclusive);
      next.start();
    }
  }
}
