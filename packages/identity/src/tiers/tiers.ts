/**
 * @module Tiers → rate limits and quotas. The table is code; deployments override single values
 * through config (`resolveTierTable`). The gateway's rate limiter and the quota checks read it.
 */
import type { Tier } from '../users/user.ts';

/** What a tier allows. */
export interface TierLimits {
  /** Sustained HTTP requests per minute, per user and per API key. */
  requestsPerMinute: number;
  /** Extra requests allowed in a burst above the sustained rate. */
  burst: number;
  /** Active (unrevoked) API keys per user. */
  maxApiKeys: number;
  /** Simultaneous SSE/WebSocket connections per user. */
  maxStreamConnections: number;
  /** Saved strategies per user. */
  maxStrategies: number;
  /** Backtests started per UTC day. */
  backtestsPerDay: number;
}

export type TierTable = Readonly<Record<Tier, Readonly<TierLimits>>>;

/** Overrides, field by field: `{ free: { requestsPerMinute: 120 } }`. */
export type TierOverrides = Partial<Record<Tier, Partial<TierLimits>>>;

/** The defaults; each tier is a step of roughly ten. */
export const DEFAULT_TIER_LIMITS: TierTable = Object.freeze({
  free: Object.freeze({
    requestsPerMinute: 60,
    // A minute's worth at once: clicking through every dashboard page (~35 requests) and back
    // within half a minute ran out of a burst of 20 and left pages half loaded.
    burst: 60,
    maxApiKeys: 2,
    maxStreamConnections: 3,
    maxStrategies: 3,
    backtestsPerDay: 10,
  }),
  premium: Object.freeze({
    requestsPerMinute: 600,
    burst: 100,
    maxApiKeys: 10,
    maxStreamConnections: 20,
    maxStrategies: 50,
    backtestsPerDay: 500,
  }),
  enterprise: Object.freeze({
    requestsPerMinute: 6_000,
    burst: 1_000,
    maxApiKeys: 100,
    maxStreamConnections: 200,
    maxStrategies: 1_000,
    backtestsPerDay: 10_000,
  }),
});

/** The defaults with `overrides` applied; every value must be a non-negative integer. */
export function resolveTierTable(overrides: TierOverrides = {}): TierTable {
  const table = {} as Record<Tier, Readonly<TierLimits>>;
  for (const tier of Object.keys(DEFAULT_TIER_LIMITS) as Tier[]) {
    const merged = { ...DEFAULT_TIER_LIMITS[tier], ...overrides[tier] };
    for (const [field, value] of Object.entries(merged)) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`tiers.${tier}.${field} must be a non-negative integer, got ${String(value)}`);
      }
    }
    table[tier] = Object.freeze(merged);
  }
  return Object.freeze(table);
}
