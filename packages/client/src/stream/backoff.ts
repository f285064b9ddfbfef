/**
 * @module Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a gateway
 * restart does not bring every client back in the same millisecond, and no delay is ever zero.
 */

/** First reconnect delay before jitter. */
export const DEFAULT_INITIAL_DELAY_MS = 500;
/** Ceiling of the delay before jitter. */
export const DEFAULT_MAX_DELAY_MS = 30_000;
export const DEFAULT_BACKOFF_MULTIPLIER = 2;

/** Reconnect policy of a subscription. */
export interface ReconnectOptions {
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
  /** @default 2 */
  multiplier?: number;
  /** Attempts in a row without an open connection before giving up. @default Infinity */
  maxAttempts?: number;
}

export interface ResolvedReconnectOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  maxAttempts: number;
}

export function resolveReconnectOptions(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  return {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    multiplier: options.multiplier ?? DEFAULT_BACKOFF_MULTIPLIER,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * The delay before reconnect attempt `attempt` (1, 2, …): in [base/2, base] where
 * base = min(maxDelayMs, initialDelayMs × multiplier^(attempt−1)).
 */
export function backoffDelayMs(
  attempt: number,
  options: ResolvedReconnectOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * options.multiplier ** Math.max(0, attempt - 1),
  );
  return Math.round(base / 2 + random() * (base / 2));
}
