/** @module A zone's state as plain data (JSON- and MessagePack-safe) for hot and cold snapshots. */

/** Bumped when the snapshot shape changes; restore refuses other formats. */
export const ZONE_SNAPSHOT_FORMAT = 1;

/** One player's authoritative state, including what validation needs to continue seamlessly. */
export interface PlayerSnapshot {
  id: string;
  x: number;
  y: number;
  lastSeq: number;
  /** null = none yet (kept as null so the snapshot survives JSON). */
  lastClientTick: number | null;
  lastMoveTick: number | null;
  rateWindow: number | null;
  rateCount: number;
}

/** Everything needed to rebuild a zone. */
export interface ZoneSnapshot {
  format: typeof ZONE_SNAPSHOT_FORMAT;
  zoneId: string;
  tick: number;
  /**
   * The event-log position this state covers (events after it are replayed on recovery).
   * Reserved: the zone does not know log positions; the snapshotter fills it. null = unknown.
   */
  lastLogPosition: string | null;
  /** The zone event source's last seq, so restored events continue the sequence. */
  lastEventSeq: number;
  /** In slot order, so a restored zone iterates players in the same order. */
  players: PlayerSnapshot[];
}

/** -Infinity ("never") ⇄ null, for JSON. */
export const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);
export const nullToNever = (n: number | null): number => (n === null ? -Infinity : n);
