/**
 * @module The sign-in throttle port: counts failed attempts per key (`account:<email>`,
 * `address:<ip>`) in a sliding window. The in-memory adapter serves one process; a Redis adapter
 * implements the same three calls for several gateways.
 */

/** Whether an attempt may go ahead. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Counts failures; never counts successes. */
export interface SignInThrottle {
  /** Checks every key; blocked when any key is over its limit. */
  check(keys: readonly ThrottleKey[]): Promise<ThrottleDecision>;
  /** Adds one failure to each key. */
  recordFailure(keys: readonly ThrottleKey[]): Promise<void>;
  /** Forgets a key's failures (after a successful sign-in of that account). */
  reset(key: ThrottleKey): Promise<void>;
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
