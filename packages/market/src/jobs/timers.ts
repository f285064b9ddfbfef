/**
 * @module The timers the job scheduler arms, behind a small interface so tests replace them with
 * {@link ManualTimers}, which fire when a {@link ManualClock} is advanced past their due time.
 */
import type { ManualClock } from '@tickline/kernel';

/** Arms and disarms one-shot timers. */
export interface JobTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unreferenced: a pending schedule never keeps the process alive. */
export const systemTimers: JobTimers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Pending {
  id: number;
  dueMs: number;
  callback: () => void;
}

/** Timers on a manual clock: {@link ManualTimers.advance} moves the clock and fires what is due. */
export class ManualTimers implements JobTimers {
  readonly #clock: ManualClock;
  #pending: Pending[] = [];
  #nextId = 1;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  set(callback: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#pending.push({ id, dueMs: this.#clock.now() + Math.max(0, delayMs), callback });
    return id;
  }

  clear(handle: unknown): void {
    this.#pending = this.#pending.filter((p) => p.id !== handle);
  }

  /** Timers armed and not fired yet. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Moves the clock forward by `ms`, firing each timer at its due time in order (the clock reads
   * the due time while its callback runs). Microtasks run between timers, so async work a callback
   * starts gets to proceed.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#clock.now() + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.#pending
        .filter((p) => p.dueMs <= target)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      if (next.dueMs > this.#clock.now()) this.#clock.advance(next.dueMs - this.#clock.now());
      next.callback();
    }
    if (target > this.#clock.now()) this.#clock.advance(target - this.#clock.now());
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  // A macrotask turn lets every queued promise continuation run, however deeply chained.
  await new Promise<void>((resolve) => setImmediate(resolve));
}
