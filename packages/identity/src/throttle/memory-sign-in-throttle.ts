/**
 * @module In-memory sign-in throttle: per key, the times of its last `maxFailures` attempts. An
 * attempt is refused while `maxFailures` of them lie inside the window; it is allowed again when
 * the oldest of those leaves it. Memory is bounded by `maxKeys`, and a key with attempts in its
 * window is never dropped to make room: an attacker spraying fresh accounts or addresses must
 * not be able to evict a target's counter. When the table is full of live keys, new keys are
 * refused until the oldest attempt expires (fail closed) and counted in `refusedFull`.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { SignInThrottle, ThrottleDecision, ThrottleKey } from './sign-in-throttle.ts';

/** Keys tracked at once. */
export const DEFAULT_THROTTLE_MAX_KEYS = 100_000;

export interface MemorySignInThrottleOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default 100_000 */
  maxKeys?: number;
}

/** The memory adapter, with what it refused for lack of room. */
export interface MemorySignInThrottle extends SignInThrottle {
  readonly refusedFull: number;
}

interface Entry {
  times: number[];
  windowMs: number;
}

export function createMemorySignInThrottle(options: MemorySignInThrottleOptions = {}): MemorySignInThrottle {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? DEFAULT_THROTTLE_MAX_KEYS;
  const entries = new Map<string, Entry>();
  let refusedFull = 0;

  function live(key: ThrottleKey, now: number): number[] {
    const entry = entries.get(key.key);
    if (!entry) return [];
    entry.times = entry.times.filter((t) => t > now - key.windowMs);
    if (entry.times.length === 0) entries.delete(key.key);
    return entry.times;
  }

  /** Drops every key whose attempts all left their window; the earliest expiry of the rest. */
  function sweep(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [name, entry] of entries) {
      entry.times = entry.times.filter((t) => t > now - entry.windowMs);
      if (entry.times.length === 0) entries.delete(name);
      else earliest = Math.min(earliest, entry.times[0]! + entry.windowMs);
    }
    return earliest;
  }

  return {
    get refusedFull() {
      return refusedFull;
    },
    async take(keys): Promise<ThrottleDecision> {
      const now = clock.now();
      let retryAfterMs = 0;
      for (const key of keys) {
        const times = live(key, now);
        if (times.length < key.maxFailures) continue;
        // The attempt becomes possible when the attempt that fills the limit leaves the window.
        const blocking = times[times.length - key.maxFailures]!;
        retryAfterMs = Math.max(retryAfterMs, blocking + key.windowMs - now);
      }
      if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
      const fresh = keys.filter((key) => !entries.has(key.key)).length;
      if (entries.size + fresh > maxKeys) {
        const earliest = sweep(now);
        if (entries.size + fresh > maxKeys) {
          refusedFull++;
          return { allowed: false, retryAfterMs: Math.max(1, earliest - now) };
        }
      }
      for (const key of keys) {
        const entry = entries.get(key.key) ?? { times: [], windowMs: key.windowMs };
        entry.times.push(now);
        if (entry.times.length > key.maxFailures) entry.times.shift();
        entries.set(key.key, entry);
      }
      return { allowed: true };
    },
    async forgive(keys, clear = []) {
      for (const key of keys) {
        const entry = entries.get(key.key);
        entry?.times.pop();
        if (entry?.times.length === 0) entries.delete(key.key);
      }
      for (const key of clear) entries.delete(key.key);
    },
  };
}
