/**
 * @module The sign-in throttle port: counts attempts per key (the account from an address, the
 * account from anywhere, the address; see {@link throttleKeys}) in a sliding window. `take` checks
 * and counts in one atomic step, so parallel guesses cannot all pass a check made before any of
 * them is counted; a success gives its attempt back. The in-memory adapter serves one process, the
 * Redis adapter every gateway at once (scaled mode).
 */
import { clientAddressKey } from '@tickline/kernel';

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
   * Failures per account from one client address in the window (from anywhere, when the address is
   * unknown). Low: it stops guessing one password from one place.
   * @default 5
   */
  maxFailuresPerAccount?: number;
  /**
   * Failures per account from every address together. Higher than the per-address count, so a
   * stranger's wrong passwords from elsewhere do not lock the owner out (the owner's address has
   * its own count): locking an account takes this many failures from at least
   * `maxFailuresPerAccountAnywhere / maxFailuresPerAccount` addresses; it still caps guessing
   * spread over many addresses.
   * @default 50
   */
  maxFailuresPerAccountAnywhere?: number;
  /**
   * Failures per client address in the window. Higher: several people may share one address (NAT).
   * @default 20
   */
  maxFailuresPerAddress?: number;
  /** The sliding window. @default 900_000 (15 minutes) */
  windowMs?: number;
}

export const DEFAULT_MAX_FAILURES_PER_ACCOUNT = 5;
export const DEFAULT_MAX_FAILURES_PER_ACCOUNT_ANYWHERE = 50;
export const DEFAULT_MAX_FAILURES_PER_ADDRESS = 20;
export const DEFAULT_THROTTLE_WINDOW_MS = 15 * 60 * 1000;

/**
 * The keys one password attempt counts against: the account from this address, the account from
 * anywhere and the address — or, when the address is unknown, the account alone at the low limit.
 * An address counts by its {@link clientAddressKey} (an IPv6 /64 is one address). From a device
 * the account signed in on before (`device`, a verified device token's id) the attempt counts
 * against that device at the low limit and nothing else: strangers elsewhere cannot use up its
 * count, and whoever holds the token gets five guesses per window, for this account only.
 */
export function throttleKeys(
  limits: ThrottleLimits,
  account: string,
  address: string | undefined,
  device?: string,
): ThrottleKey[] {
  const windowMs = limits.windowMs ?? DEFAULT_THROTTLE_WINDOW_MS;
  if (device !== undefined)
    return [
      {
        key: `account-device:${account}|${device}`,
        maxFailures: limits.maxFailuresPerAccount ?? DEFAULT_MAX_FAILURES_PER_ACCOUNT,
        windowMs,
      },
    ];
  if (!address) return codeThrottleKeys(limits, account, undefined);
  return [
    {
      key: `account-from:${account}|${clientAddressKey(address)}`,
      maxFailures: limits.maxFailuresPerAccount ?? DEFAULT_MAX_FAILURES_PER_ACCOUNT,
      windowMs,
    },
    {
      key: `account-anywhere:${account}`,
      maxFailures: limits.maxFailuresPerAccountAnywhere ?? DEFAULT_MAX_FAILURES_PER_ACCOUNT_ANYWHERE,
      windowMs,
    },
    addressKey(limits, address, windowMs),
  ];
}

/**
 * The keys one two-factor code check counts against: the account at the low limit wherever the
 * guesses come from (whoever guesses a code already has the password: no stranger can lock the
 * owner out with it, and six digits must not get the per-address allowance), and the address.
 */
export function codeThrottleKeys(
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
  if (address) keys.push(addressKey(limits, address, windowMs));
  return keys;
}

const ADDRESS_PREFIX = 'address:';

const addressKey = (limits: ThrottleLimits, address: string, windowMs: number): ThrottleKey => ({
  key: `${ADDRESS_PREFIX}${clientAddressKey(address)}`,
  maxFailures: limits.maxFailuresPerAddress ?? DEFAULT_MAX_FAILURES_PER_ADDRESS,
  windowMs,
});

/** The account's own counts among `keys` (every key but the address's): what a sign-in clears. */
export const accountKeys = (keys: readonly ThrottleKey[]): ThrottleKey[] =>
  keys.filter((k) => !k.key.startsWith(ADDRESS_PREFIX));
