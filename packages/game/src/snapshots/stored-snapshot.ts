/**
 * @module A zone snapshot as the stores keep it: the zone's state as MessagePack bytes plus the
 * metadata recovery needs (tick, the log position it covers, the event seq it includes).
 */
import { uuidv7 } from '@tickline/kernel';
import { Packr } from 'msgpackr';
import { ZONE_SNAPSHOT_FORMAT, type ZoneSnapshot } from '../zone/snapshot.ts';
import { SnapshotCorruptError } from './snapshot-errors.ts';
import { formatLogPosition } from '../recovery/zone-logs.ts';

/** Why a snapshot was taken. */
export const SnapshotKind = {
  /** Every second, to memory or Redis: the fast recovery path. */
  Hot: 'hot',
  /** Every minute, to SQL: survives a Redis loss. */
  Cold: 'cold',
  /** Taken by an operator (admin "snapshot now", before a restore or a drain). */
  Manual: 'manual',
} as const;
export type SnapshotKind = (typeof SnapshotKind)[keyof typeof SnapshotKind];

/** What `list` returns: everything but the bytes. */
export interface SnapshotInfo {
  /** A UUIDv7, so ids sort by the time they were taken. */
  id: string;
  zoneId: string;
  kind: SnapshotKind;
  tick: number;
  /**
   * Every event of this zone with a seq above {@link eventSeq} sits at a log offset above this
   * one: replay reads from `logPosition + 1` and skips seqs it already has.
   */
  logPosition: number;
  /** The last zone event seq whose effect the state includes. */
  eventSeq: number;
  players: number;
  /** Milliseconds since the epoch. */
  takenAt: number;
  /** Encoded size. */
  size: number;
}

/** A snapshot with its encoded state. */
export interface StoredSnapshot extends SnapshotInfo {
  bytes: Uint8Array;
}

// Plain maps, no records extension: the bytes stay readable by any MessagePack decoder.
/** The stores' MessagePack (zones' and rooms' states alike). */
export const snapshotPackr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });
const packr = snapshotPackr;

/** Encodes a zone's state. */
export function encodeZoneSnapshot(snapshot: ZoneSnapshot): Uint8Array {
  return packr.pack(snapshot);
}

/**
 * Decodes a zone's state.
 * @throws SnapshotCorruptError when the bytes are not a zone snapshot of a known format.
 */
export function decodeZoneSnapshot(bytes: Uint8Array): ZoneSnapshot {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (cause) {
    throw new SnapshotCorruptError('zone snapshot is not valid MessagePack', { cause });
  }
  const s = value as Partial<ZoneSnapshot> | null;
  if (!s || typeof s !== 'object' || !Array.isArray(s.players) || typeof s.zoneId !== 'string')
    throw new SnapshotCorruptError('zone snapshot lacks its zone id or players');
  if (s.format !== ZONE_SNAPSHOT_FORMAT)
    throw new SnapshotCorruptError(`unsupported zone snapshot format ${String(s.format)}`, {
      details: { format: s.format },
    });
  return s as ZoneSnapshot;
}

/** Fields the caller supplies when storing a state. */
export interface SnapshotMeta {
  kind: SnapshotKind;
  logPosition: number;
  /**
   * The log `logPosition` is in, when the zone logs somewhere other than the main log (a game log
   * partition): recovery reads that log after a partition count change. @default the main log
   */
  logName?: string | undefined;
  takenAt: number;
  /** @default a new UUIDv7 from `takenAt` */
  id?: string;
}

/**
 * A state copied between ticks, to be encoded later (off the tick): a zone's, or a rules room's
 * (keyed `room/<id>` in the stores, see rooms/room-snapshots.ts).
 */
export interface CapturedState {
  /** The key the stores keep it under (a zone id, or `room/<id>`). */
  zoneId: string;
  tick: number;
  eventSeq: number;
  players: number;
  /** The bytes to store, given the log position the state covers (formatted). */
  encode(lastLogPosition: string): Uint8Array;
}

/** A zone's state as a {@link CapturedState}. */
export function captureZone(snapshot: ZoneSnapshot): CapturedState {
  return {
    zoneId: snapshot.zoneId,
    tick: snapshot.tick,
    eventSeq: snapshot.lastEventSeq,
    players: snapshot.players.length,
    encode: (lastLogPosition) => encodeZoneSnapshot({ ...snapshot, lastLogPosition }),
  };
}

/** Encodes a captured state (given `meta`'s log and position) into a storable record. */
export function toStoredState(state: CapturedState, meta: SnapshotMeta): StoredSnapshot {
  const bytes = state.encode(formatLogPosition({ log: meta.logName, offset: meta.logPosition }));
  return {
    id: meta.id ?? uuidv7(meta.takenAt),
    zoneId: state.zoneId,
    kind: meta.kind,
    tick: state.tick,
    logPosition: meta.logPosition,
    eventSeq: state.eventSeq,
    players: state.players,
    takenAt: meta.takenAt,
    size: bytes.length,
    bytes,
  };
}

/** Encodes `snapshot` (its `lastLogPosition` set to `meta`'s log and position) into a storable record. */
export function toStoredSnapshot(snapshot: ZoneSnapshot, meta: SnapshotMeta): StoredSnapshot {
  return toStoredState(captureZone(snapshot), meta);
}

/** The metadata of a stored snapshot (drops the bytes). */
export function infoOf(s: StoredSnapshot): SnapshotInfo {
  const { bytes: _bytes, ...info } = s;
  return info;
}
