/**
 * @module Outbound pacing under sliding-window limits ("5 messages per second and 100 per
 * minute"). Every send waits for a slot in all windows, so resubscribing after a reconnect
 * never trips a venue's limit (ccxt#24458 resubscribed in a burst and was disconnected).
 */
import type { Clock } from '@tickline/kernel';
import type { Sleep } from '../../port/sleep.ts';

/** At most `limit` events in any `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Serializes callers through every window; times come from a monotonic clock. */
export class RatePacer {
  readonly #windows: readonly RateWindow[];
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  /** Monotonic times of past events, oldest first, trimmed to the longest window. */
  readonly #history: number[] = [];
  readonly #longestMs: number;
  #tail: Promise<void> = Promise.resolve();

  constructor(windows: readonly RateWindow[], clock: Clock, sleep: Sleep) {
    this.#windows = windows.filter((w) => w.limit > 0 && w.windowMs > 0);
    this.#clock = clock;
    this.#sleep = sleep;
    this.#longestMs = Math.max(0, ...this.#windows.map((w) => w.windowMs));
  }

  /** How long the next event must wait now (0 when a slot is free). */
  waitMs(): number {
    const now = this.#clock.monotonic();
    let wait = 0;
    for (const w of this.#windows) {
      // The event `limit` places back must have left the window.
      const index = this.#history.length - w.limit;
      if (index < 0) continue;
      wait = Math.max(wait, this.#history[index]! + w.windowMs - now);
    }
    return Math.max(0, wait);
  }

  /**
   * Resolves when the caller may send, in call order; records the send. Resolves false (without
   * recording) when `signal` aborts first.
   */
  take(signal?: AbortSignal): Promise<boolean> {
    const turn = this.#tail.then(async () => {
      for (;;) {
        if (signal?.aborted) return false;
        const wait = this.waitMs();
        if (wait === 0) break;
        await this.#sleep(wait, signal);
      }
      const now = this.#clock.monotonic();
      this.#history.push(now);
      while (this.#history.length > 0 && this.#history[0]! <= now - this.#longestMs) this.#history.shift();
      return true;
    });
    this.#tail = turn.then(() => undefined);
    return turn;
  }
}
