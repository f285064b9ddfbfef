/**
 * @module Reads a zone's events from the log after a position and applies them to a
 * {@link ReplayState}. Records of other zones are skipped by key and type without decoding.
 */
import type { EventLog } from '@tickline/eventlog';
import { decodeEvent } from '@tickline/kernel';
import { GAME_PLAYER_EVENT_PREFIX } from '@tickline/protocol';
import type { ReplayState } from './replay-state.ts';

/** Records read per `log.read` call during replay. */
export const DEFAULT_REPLAY_BATCH = 4_096;

/** What a replay read and applied. */
export interface ReplayLogResult {
  /** Records read (all zones). */
  scanned: number;
  /** Events that changed the state. */
  applied: number;
  /** Zone records that did not decode (skipped). */
  undecodable: number;
  /** The last offset read (the head when the replay started, or the position given). */
  lastOffset: number;
}

/**
 * Applies the zone's events at offsets above `afterPosition`, up to the head as it was when the
 * replay started (events appended meanwhile belong to the new incarnation, if any).
 * @default batch 4_096
 */
export async function replayZoneEvents(
  log: Pick<EventLog, 'read' | 'head'>,
  state: ReplayState,
  afterPosition: number,
  batch = DEFAULT_REPLAY_BATCH,
): Promise<ReplayLogResult> {
  const { last } = await log.head();
  const result: ReplayLogResult = { scanned: 0, applied: 0, undecodable: 0, lastOffset: afterPosition };
  let from = afterPosition + 1;
  while (from <= last) {
    const records = await log.read({ from, limit: Math.min(batch, last - from + 1) });
    if (records.length === 0) break;
    for (const r of records) {
      if (r.offset > last) break;
      result.scanned++;
      result.lastOffset = r.offset;
      if (r.key !== state.zoneId || !r.type.startsWith(GAME_PLAYER_EVENT_PREFIX)) continue;
      let event;
      try {
        event = decodeEvent(r.payload);
      } catch {
        // One undecodable record must not stop a zone from starting; it is counted.
        result.undecodable++;
        continue;
      }
      if (state.apply(event)) result.applied++;
    }
    from = records.at(-1)!.offset + 1;
  }
  return result;
}
