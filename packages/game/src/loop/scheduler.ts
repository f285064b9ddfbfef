/** @module Timers as a dependency, so the zone loop can be driven by a manual clock in tests. */

/** Schedules one call after `delayMs`; returns its cancellation. */
export interface Scheduler {
  schedule(fn: () => void, delayMs: number): () => void;
}

/** Real timers. Unref'd: a ticking zone alone does not keep the process alive. */
export const systemScheduler: Scheduler = {
  schedule(fn, delayMs) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** A scheduler that runs nothing by itself: tests call {@link ManualScheduler.runDue}. */
export class ManualScheduler implements Scheduler {
  readonly #pending = new Set<{ fn: () => void; delayMs: number }>();

  schedule(fn: () => void, delayMs: number): () => void {
    const entry = { fn, delayMs };
    this.#pending.add(entry);
    return () => this.#pending.delete(entry);
  }

  /** The delays of the pending calls, in scheduling order. */
  get delays(): number[] {
    return [...this.#pending].map((entry) => entry.delayMs);
  }

  /** Runs every pending call once (calls they schedule wait for the next `runDue`). */
  runDue(): void {
    const due = [...this.#pending];
    this.#pending.clear();
    for (const entry of due) entry.fn();
  }
}
