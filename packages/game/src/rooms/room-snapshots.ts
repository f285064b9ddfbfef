/**
 * @module Rules rooms in the zones' snapshot stores: a room's {@link RoomSnapshot} as MessagePack
 * under the key `room/<roomId>`, taken by the zones' scheduler on their intervals (hot and cold).
 * Copying a room's state also publishes its journal so far, so the log holds every tick the
 * snapshot covers (a replay of the room stays continuous across a failover).
 */
import { ROOM_SNAPSHOT_FORMAT, type RoomSnapshot } from '../rules/index.ts';
import type { StateSnapshotSource } from '../snapshots/snapshot-scheduler.ts';
import { SnapshotCorruptError } from '../snapshots/snapshot-errors.ts';
import { snapshotPackr } from '../snapshots/stored-snapshot.ts';
import type { RoomRunner } from './room-runner.ts';

/** The key of a room's snapshots in the stores (zone ids never hold a slash). */
export const roomSnapshotKey = (roomId: string): string => `room/${roomId}`;

export function encodeRoomSnapshot(snapshot: RoomSnapshot): Uint8Array {
  return snapshotPackr.pack(snapshot);
}

/** @throws SnapshotCorruptError when the bytes are not a room snapshot of a known format. */
export function decodeRoomSnapshot(bytes: Uint8Array): RoomSnapshot {
  let value: unknown;
  try {
    value = snapshotPackr.unpack(bytes);
  } catch (cause) {
    throw new SnapshotCorruptError('room snapshot is not valid MessagePack', { cause });
  }
  const s = value as Partial<RoomSnapshot> | null;
  if (
    !s ||
    typeof s !== 'object' ||
    typeof s.roomId !== 'string' ||
    typeof s.game !== 'string' ||
    !Array.isArray(s.players)
  )
    throw new SnapshotCorruptError('room snapshot lacks its room id, game or players');
  if (s.format !== ROOM_SNAPSHOT_FORMAT)
    throw new SnapshotCorruptError(`unsupported room snapshot format ${String(s.format)}`, {
      details: { format: s.format },
    });
  return s as RoomSnapshot;
}

/** A running room as the scheduler snapshots it; `leased()`: false while this process may not write it. */
export function roomSnapshotSource(runner: RoomRunner, leased: () => boolean): StateSnapshotSource {
  const key = roomSnapshotKey(runner.roomId);
  return {
    zoneId: key,
    metricsLabel: 'rooms',
    get leased() {
      return leased();
    },
    capture() {
      runner.journal.flush();
      const snapshot = runner.room.snapshot();
      return {
        zoneId: key,
        tick: snapshot.tick,
        eventSeq: snapshot.lastEventSeq,
        players: snapshot.players.length,
        encode: () => encodeRoomSnapshot(snapshot),
      };
    },
  };
}
