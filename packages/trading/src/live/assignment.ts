/**
 * @module Which runner process runs which live strategy: rendezvous (highest-random-weight)
 * hashing of the run id over the live members. Every process computes the same answer from the
 * same member list, so no coordinator is needed; when a member leaves, only its runs move (each
 * to the member with the next-highest weight), and when one joins it takes about 1/n of the runs.
 *
 * Membership comes through the event log: each runner publishes `strategy.runner.heartbeat`
 * every `heartbeatMs`; a member not heard from for `ttlMs` is gone. Each process reads candles with
 * its own durable consumer (`strategy.live.<member>`), so a restart resumes from its checkpoint.
 * Two members can still decide the same candle of a run: while they disagree about it (until the
 * old owner reads the new one's heartbeat), or when the old owner is mid-candle as the new one
 * catches up from the checkpoint. Nothing is placed twice because the order desk claims each
 * client order id atomically in the shared SQL journal before the venue sees it.
 */
import { createHash } from 'node:crypto';

/** The weight of (member, run): the first 6 bytes of SHA-256, as a number. */
function weight(member: string, runId: string): number {
  return createHash('sha256').update(member).update('\u0000').update(runId).digest().readUIntBE(0, 6);
}

/** The member that runs `runId`, or undefined with no members. */
export function ownerOf(runId: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const m of members) {
    const w = weight(m, runId);
    if (w > bestWeight || (w === bestWeight && best !== undefined && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}

/** Members heard from within `ttlMs` of `now`, from their last heartbeat times. */
export function liveMembers(lastSeen: ReadonlyMap<string, number>, now: number, ttlMs: number): string[] {
  return [...lastSeen]
    .filter(([, at]) => now - at <= ttlMs)
    .map(([m]) => m)
    .sort();
}
