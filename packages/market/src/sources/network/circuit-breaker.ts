/**
 * @module A per-source circuit breaker over connection attempts. After `failureThreshold`
 * consecutive failed connects it opens: no attempt until `cooldownMs` has passed, then one
 * half-open trial; its success closes the circuit, its failure opens it again.
 */
import type { Clock } from '@tickline/kernel';

export const CircuitState = { Closed: 'closed', Open: 'open', HalfOpen: 'half_open' } as const;
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

/** Options for {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failed connects that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial attempt. @default 60_000 */
  cooldownMs?: number;
}

export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 60_000;

/** Counts consecutive failures on a monotonic clock. */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #clock: Clock;
  #failures = 0;
  #openedAt: number | null = null;
  #trial = false;

  constructor(clock: Clock, options: CircuitBreakerOptions = {}) {
    this.#clock = clock;
    this.failureThreshold = options.failureThreshold ?? DEFAULT_BREAKER_FAILURE_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS;
  }

  get state(): CircuitState {
    if (this.#openedAt === null) return CircuitState.Closed;
    return this.#trial || this.remainingMs() === 0 ? CircuitState.HalfOpen : CircuitState.Open;
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Milliseconds until an attempt is allowed (0 when it is). */
  remainingMs(): number {
    if (this.#openedAt === null) return 0;
    return Math.max(0, this.#openedAt + this.cooldownMs - this.#clock.monotonic());
  }

  /** True when an attempt may start now; in half-open, marks the trial as taken. */
  tryAcquire(): boolean {
    if (this.#openedAt === null) return true;
    if (this.remainingMs() > 0) return false;
    this.#trial = true;
    return true;
  }

  onSuccess(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trial = false;
  }

  /** Records a failed attempt; returns true when this failure opened (or re-opened) the circuit. */
  onFailure(): boolean {
    this.#failures++;
    if (this.#trial || (this.#openedAt === null && this.#failures >= this.failureThreshold)) {
      this.#openedAt = this.#clock.monotonic();
      this.#trial = false;
      return true;
    }
    return false;
  }
}
