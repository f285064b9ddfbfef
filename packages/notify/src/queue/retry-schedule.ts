/** @module The retry schedule: when attempt N+1 happens after attempt N failed. Pure. */

export interface RetryPolicy {
  /** Delay in seconds before attempt 2, 3, …; attempts in all = length + 1. */
  scheduleSeconds: readonly number[];
  /** ± share of each delay drawn at random. */
  jitter: number;
}

/**
 * The delay before the next attempt, or undefined when `attempt` was the last one.
 * @param attempt - the attempt that just failed (1-based)
 * @param random - a value in [0, 1) (injected for tests)
 */
export function nextDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: number = Math.random(),
  retryAfterMs?: number,
): number | undefined {
  const base = policy.scheduleSeconds[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = base * 1000 * (1 + policy.jitter * (2 * random - 1));
  // A receiver's Retry-After is honoured when longer than the schedule (429/503 throttling).
  return Math.max(0, Math.round(Math.max(jittered, retryAfterMs ?? 0)));
}
