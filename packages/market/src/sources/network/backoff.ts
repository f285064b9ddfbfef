/**
 * @module Reconnect delays: exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): the delay is uniform in `[0, min(maxMs, initialMs × factor^n))`,
 * so a fleet of clients that lost the venue at the same moment does not reconnect in lockstep.
 */

/** The backoff schedule. */
export interface BackoffPolicy {
  /** Ceiling of the first delay. @default 500 */
  initialMs: number;
  /** Cap on any delay's ceiling. @default 30_000 */
  maxMs: number;
  /** Growth per failed attempt. @default 2 */
  factor: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
});

/** The ceiling for attempt `attempt` (0-based): the largest delay full jitter can pick. */
export function backoffCeilingMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
}

/**
 * The delay before reconnect attempt `attempt` (0-based).
 * @param random uniform in [0, 1), injectable so tests pin the schedule. @default Math.random
 */
export function fullJitterDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeilingMs(policy, attempt));
}
