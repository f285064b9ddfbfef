/** @module A latest-value broadcast of source status, readable by any number of async iterators. */
import type { SourceState, SourceStatusChange } from './source-status.ts';

/** Keeps the current status and fans each change out to every `status()` iterator. */
export class StatusFeed {
  #current: SourceStatusChange;
  #closed = false;
  readonly #listeners = new Set<(change: SourceStatusChange | null) => void>();

  constructor(initial: SourceStatusChange) {
    this.#current = initial;
  }

  get current(): SourceStatusChange {
    return this.#current;
  }

  /** Publishes a change; repeating the current state with the same detail is a no-op. */
  set(state: SourceState, at: number, detail?: string): void {
    if (this.#closed) return;
    if (state === this.#current.state && detail === this.#current.detail) return;
    this.#current = Object.freeze({ ...this.#current, state, at, detail });
    for (const l of this.#listeners) l(this.#current);
  }

  /** Ends every iterator. */
  close(): void {
    this.#closed = true;
    for (const l of this.#listeners) l(null);
    this.#listeners.clear();
  }

  /** Yields the current status, then every change, until {@link close}. */
  async *iterate(): AsyncGenerator<SourceStatusChange> {
    const pending: SourceStatusChange[] = [this.#current];
    let wake: (() => void) | null = null;
    let ended = this.#closed;
    const listener = (change: SourceStatusChange | null): void => {
      if (change) pending.push(change);
      else ended = true;
      wake?.();
    };
    this.#listeners.add(listener);
    try {
      for (;;) {
        while (pending.length > 0) yield pending.shift()!;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      this.#listeners.delete(listener);
    }
  }
}
