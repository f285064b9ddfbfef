/** @module The rate-limit store port: where arrival times live (process memory or Redis). */
import type { GcraParams, RateLimitDecision } from './gcra.ts';

/** Counts requests per key. Implementations must be atomic per key across their callers. */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  /** Records one request for `key` under `params` and says whether it is allowed. */
  take(key: string, params: GcraParams): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
