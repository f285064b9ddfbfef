/**
 * @module When a page re-reads after events: once a burst has settled, and never sooner than a
 * minimum gap after the last re-read. A strategy on 1-second candles sends order events every
 * second, and answering each burst with a re-read of the portfolio, its orders and the runs spent
 * the free tier's 60 requests a minute on the user's own dashboard — its stream tickets were
 * refused next (429), so the live updates stopped. A pure function, so the rule is tested apart
 * from React.
 */

/** A burst of events is answered this long after its last event. */
export const EVENT_SETTLE_MS = 400;
/** Re-reads driven by events are at least this far apart (10 a minute per page part at most). */
export const MIN_RELOAD_GAP_MS = 6_000;

/**
 * When to re-read, given an event at `now` and the last re-read at `lastAt` (-Infinity: none):
 * the burst's settle time, or the end of the gap after the last re-read, whichever is later.
 */
export function nextReloadAt(now: number, lastAt: number): number {
  return Math.max(now + EVENT_SETTLE_MS, lastAt + MIN_RELOAD_GAP_MS);
}
