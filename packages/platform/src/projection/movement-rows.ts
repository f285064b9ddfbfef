/**
 * @module What the movement history keeps of a batch (pure): every position fact as its own row,
 * or joins and leaves plus one sampled row per player, zone and interval — the newest move of the
 * interval by the zone's seq — or joins and leaves alone. A sampled row is keyed by its interval's
 * start and `sample:<zone>:<player>`, and a later batch's newer move in the same interval replaces
 * it: whatever the batching or the delivery order, the history ends the same.
 */
import { MovementHistory } from '../config.ts';
import { MovementKind, type PositionFact } from './game-facts.ts';

/** How much of the moves to keep. */
export interface MovementHistoryOptions {
  keep: MovementHistory;
  /** Interval of the sampled history. */
  sampleMs: number;
}

/** A movement row: `at` and `eventId` are the row's key. */
export interface MovementRow {
  at: number;
  eventId: string;
  fact: PositionFact;
}

/** The rows of a batch: `exact` inserted as they are, `sampled` upserted newer-seq-wins. */
export interface MovementRows {
  exact: MovementRow[];
  sampled: MovementRow[];
}

/** The key of a sampled row; the lengths keep ids holding `:` apart. */
export function sampleEventId(zoneId: string, playerId: string): string {
  return `sample:${zoneId.length}:${zoneId}:${playerId}`;
}

export function movementRows(facts: readonly PositionFact[], options: MovementHistoryOptions): MovementRows {
  if (options.keep === MovementHistory.Every)
    return { exact: facts.map((fact) => ({ at: fact.at, eventId: fact.eventId, fact })), sampled: [] };
  const exact: MovementRow[] = [];
  const sampled = new Map<string, MovementRow>();
  for (const fact of facts) {
    if (fact.kind !== MovementKind.Moved) {
      exact.push({ at: fact.at, eventId: fact.eventId, fact });
      continue;
    }
    if (options.keep === MovementHistory.None) continue;
    const at = Math.floor(fact.at / options.sampleMs) * options.sampleMs;
    const eventId = sampleEventId(fact.zoneId, fact.playerId);
    const key = `${at}|${eventId}`;
    // One row per key in a statement (an upsert may touch a row once), the newest by zone seq.
    const held = sampled.get(key);
    if (!held || fact.seq > held.fact.seq) sampled.set(key, { at, eventId, fact });
  }
  return { exact, sampled: [...sampled.values()] };
}
