/**
 * @module In-memory sign-in throttle: per key, the times of the last `maxFailures` failures. An
 * attempt is refused while `maxFailures` of them lie inside the window; it is allowed again when
 * the oldest of those leaves it. Memory is bounded by `maxKeys` (oldest keys dropped first).
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { SignInThrottle, ThrottleDecision, ThrottleKey } from './sign-in-throttle.ts';

/** Keys tracked before the least recently failed are forgotten. */
export const DEFAULT_THROTTLE_MAX_KEYS = 100_000;

export interface MemorySignInThrottleOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default 100_000 */
  maxKeys?: number;
}

export function createMemorySignInThrottle(options: MemorySignInThrottleOptions = {}): SignInThrottle {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? DEFAULT_THROTTLE_MAX_KEYS;
  // Insertion order = recency of the last failure (re-inserted on each), so the first is oldest.
  const failures = new Map<string, number[]>();

  function inWindow(key: ThrottleKey, now: number): number[] {
    const times = failures.get(key.key);
    if (!times) return [];
    const live = times.filter((t) => t > now - key.windowMs);
    if (live.length === 0) failures.delete(key.key);
    return live;
  }

  return {
    async check(keys): Promise<ThrottleDecision> {
      const now = clock.now();
      let retryAfterMs = 0;
      for (const key of keys) {
        const live = inWindow(key, now);
        if (live.length < key.maxFailures) continue;
        // The attempt becomes possible when the failure that fills the limit leaves the window.
        const blocking = live[live.length - key.maxFailures]!;
        retryAfterMs = Math.max(retryAfterMs, blocking + key.windowMs - now);
      }
      return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
    },
    async recordFailure(keys) {
      const now = clock.now();
      for (const key of keys) {
        const live = inWindow(key, now);
        live.push(now);
        failures.delete(key.key);
        failures.set(key.key, live.slice(-key.maxFailures));
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    async reset(key) {
      failures.delete(key.key);
    },
  };
}
