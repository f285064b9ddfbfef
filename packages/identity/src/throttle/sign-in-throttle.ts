/**
 * @module The sign-in throttle port: counts attempts per key (`account:<email>`, `address:<ip>`)
 * in a sliding window. `take` checks and counts in one atomic step, so parallel guesses cannot all
 * pass a check made before any of them is counted; a success gives its attempt back. The in-memory
 * adapter serves one process, the Redis adapter every gateway at once (scaled mode).
 */

/** Whether an attempt may go ahead. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Counts attempts; a successful one is forgiven. */
export interface SignInThrottle {
  /**
   * Atomically: refused when any key already holds `maxFailures` attempts in its window; otherwise
   * this attempt is counted against every key (as a failure, until {@link forgive}n).
   */
  take(keys: readonly ThrottleKey[]): Promise<ThrottleDecision>;
  /**
   * The attempt counted by `take(keys)` succeeded: it is taken back from every key, and every
   * attempt of the keys in `clear` is forgotten (the account's after its owner signed in).
   */
  forgive(keys: readonly ThrottleKey[], clear?: readonly ThrottleKey[]): Promise<void>;
}

/** A counted subject and its limit. */
export interface ThrottleKey {
  key: string;
  /** Failures allowed within the window; the next attempt is refused. */
  maxFailures: number;
  windowMs: number;
}

/** Limits per kind of key. */
export interface ThrottleLimits {
  /**
   * Failures per account in the window. Low: it stops guessing one password from many addresses.
   * @default 5
   */
  maxFailuresPerAccount?: number;
  /**
   * Failures per client address in the window. Higher: several people may share one address (NAT).
   * @default 20
   */
  maxFailuresPerAddress?: number;
  /** The sliding window. @default 900_000 (15 minutes) */
  windowMs?: number;
}

export const DEFAULT_MAX_FAILURES_PER_ACCOUNT = 5;
export const DEFAULT_MAX_FAILURES_PER_ADDRESS = 20;
export const DEFAULT_THROTTLE_WINDOW_MS = 15 * 60 * 1000;

/** The keys one attempt counts against. */
export function throttleKeys(
  limits: ThrottleLimits,
  account: string,
  address: string | undefined,
): ThrottleKey[] {
  const windowMs = limits.windowMs ?? DEFAULT_THROTTLE_WINDOW_MS;
  const keys: ThrottleKey[] = [
    {
      key: `account:${account}`,
      maxFailures: limits.maxFailuresPerAccount ?? DEFAULT_MAX_FAILURES_PER_ACCOUNT,
      windowMs,
    },
  ];
  if (address) {
    keys.push({
      key: `address:${address}`,
      maxFailures: limits.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS,
      windowMs,
    });
  }
  return keys;
}
