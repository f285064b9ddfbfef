/**
 * @module The rate-limit arithmetic (GCRA, the generic cell rate algorithm): one number per
 * caller, the "theoretical arrival time", instead of a counter per window. It allows
 * `burst + 1` requests at once and then one every `60 s / requestsPerMinute`, with no edge where
 * two windows meet. Pure: the memory store runs it, the Redis store runs the same steps in Lua.
 */

/** A caller class's budget: the tier table rows of identity fit it. */
export interface RateLimitRule {
  /** Sustained requests per minute; 0 turns the limit off. */
  requestsPerMinute: number;
  /** Extra requests allowed at once above the sustained rate. */
  burst: number;
}

/** A rule in the units the algorithm works in. */
export interface GcraParams {
  /** Time one request "costs": 60 000 / requestsPerMinute. */
  emissionIntervalMs: number;
  /** How far ahead of now the arrival time may run: emissionIntervalMs × limit. */
  toleranceMs: number;
  /** Requests allowed at once (burst + 1). */
  limit: number;
}

/** The verdict on one request. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests that could be made right now after this one. */
  remaining: number;
  /** Until the whole budget is back. */
  resetMs: number;
  /** Until a refused caller may try again; 0 when allowed. */
  retryAfterMs: number;
}

const MS_PER_MINUTE = 60_000;

export function gcraParams(rule: RateLimitRule): GcraParams {
  const emissionIntervalMs = MS_PER_MINUTE / rule.requestsPerMinute;
  const limit = rule.burst + 1;
  return { emissionIntervalMs, toleranceMs: emissionIntervalMs * limit, limit };
}

/** One step: the decision and, when allowed, the arrival time to store (with a TTL of resetMs). */
export function gcraStep(
  storedTatMs: number | undefined,
  nowMs: number,
  params: GcraParams,
): { decision: RateLimitDecision; newTatMs?: number } {
  const tat = Math.max(storedTatMs ?? nowMs, nowMs);
  const newTat = tat + params.emissionIntervalMs;
  const allowAt = newTat - params.toleranceMs;
  if (nowMs < allowAt) {
    return { decision: decisionFrom(params, false, allowAt - nowMs, tat - nowMs) };
  }
  return { decision: decisionFrom(params, true, nowMs - allowAt, newTat - nowMs), newTatMs: newTat };
}

/**
 * Shapes raw numbers into a decision: `slackOrWaitMs` is the time until the next request is
 * allowed (refused) or the slack left in the budget (allowed). Shared with the Redis store.
 */
export function decisionFrom(
  params: GcraParams,
  allowed: boolean,
  slackOrWaitMs: number,
  resetMs: number,
): RateLimitDecision {
  // Float error must not turn a whole remaining request into one fewer.
  const remaining = allowed ? Math.floor(slackOrWaitMs / params.emissionIntervalMs + 1e-9) : 0;
  return {
    allowed,
    limit: params.limit,
    remaining: Math.min(Math.max(remaining, 0), params.limit),
    resetMs: Math.max(resetMs, 0),
    retryAfterMs: allowed ? 0 : Math.max(slackOrWaitMs, 0),
  };
}
