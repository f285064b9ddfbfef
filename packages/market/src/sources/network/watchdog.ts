/**
 * @module A liveness watchdog: silence for `silenceMs` with the socket open counts as a failure
 * (ccxt#22412: a half-open TCP connection delivers nothing and raises no error). `touch()` is
 * called for every frame, so it only stores a time; one timer re-arms itself for the remainder.
 */
import type { Clock } from '@tickline/kernel';

/** Fires `onSilent` once when nothing touched it for `silenceMs`. */
export class Watchdog {
  readonly #silenceMs: number;
  readonly #clock: Clock;
  readonly #onSilent: (silentForMs: number) => void;
  #lastAt: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(silenceMs: number, clock: Clock, onSilent: (silentForMs: number) => void) {
    this.#silenceMs = silenceMs;
    this.#clock = clock;
    this.#onSilent = onSilent;
    this.#lastAt = clock.monotonic();
  }

  /** Starts watching from now. */
  start(): void {
    this.#lastAt = this.#clock.monotonic();
    this.#arm(this.#silenceMs);
  }

  /** Something arrived. */
  touch(): void {
    this.#lastAt = this.#clock.monotonic();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(1, ms));
    this.#timer.unref();
  }

  #check(): void {
    this.#timer = null;
    const silent = this.#clock.monotonic() - this.#lastAt;
    if (silent >= this.#silenceMs) this.#onSilent(silent);
    else this.#arm(this.#silenceMs - silent);
  }
}
