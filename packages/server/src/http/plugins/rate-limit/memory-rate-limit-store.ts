/**
 * @module Rate limits in process memory (embedded mode: one gateway). Keys expire once their
 * budget is whole again; a sweep and a key bound keep an address spray from growing the map.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import { gcraStep, type GcraParams, type RateLimitDecision } from './gcra.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

/** Arrival times kept at most; past it the oldest are dropped (they only lose their debt). */
export const DEFAULT_MAX_RATE_LIMIT_KEYS = 100_000;
/** How often expired keys are swept. */
export const DEFAULT_RATE_LIMIT_SWEEP_INTERVAL_MS = 60_000;

/** Options for {@link createMemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** @default systemClock */
  clock?: Clock;
  /** @default 100_000 */
  maxKeys?: number;
  /** 0 disables the timer (tests sweep through the key bound). @default 60_000 */
  sweepIntervalMs?: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  /** Keys currently held (for tests and metrics). */
  readonly size: number;
}

export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_RATE_LIMIT_KEYS;
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_RATE_LIMIT_SWEEP_INTERVAL_MS;
  // Arrival time per key; a key whose time is past holds no debt and can go.
  const arrivals = new Map<string, number>();

  function sweep(): void {
    const now = clock.now();
    for (const [key, tat] of arrivals) if (tat <= now) arrivals.delete(key);
  }
  const timer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  timer?.unref();

  return {
    kind: 'memory',
    get size() {
      return arrivals.size;
    },
    async take(key: string, params: GcraParams): Promise<RateLimitDecision> {
      const { decision, newTatMs } = gcraStep(arrivals.get(key), clock.now(), params);
      if (newTatMs !== undefined) {
        // Re-insert so Map order is least-recently-charged first, which the bound evicts.
        arrivals.delete(key);
        arrivals.set(key, newTatMs);
        if (arrivals.size > maxKeys) {
          sweep();
          for (const oldest of arrivals.keys()) {
            if (arrivals.size <= maxKeys) break;
            arrivals.delete(oldest);
          }
        }
      }
      return decision;
    },
    async close() {
      if (timer) clearInterval(timer);
      arrivals.clear();
    },
  };
}
