/**
 * @module Rooms across a restart of a game process that has no rooms directory (the embedded
 * default): what room-failover.ts does there instead of a peer's take-over. A room made or
 * recovered here goes on the list of open rooms and leaves it when disposed of or closed; a stop
 * takes each room's last snapshot and keeps the list; a start brings every listed room back
 * through the failover's recovery (newest snapshot, then the journal after it). After a `kill -9`
 * the scheduled snapshots and the journal on the log stand in for the last one: what was not yet
 * on the log, up to about a second, is lost, as with a failover.
 */
import type { Logger } from '@tickline/kernel';
import type { OpenRoomsFile } from '../rooms/open-rooms.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import { roomSnapshotKey } from '../rooms/room-snapshots.ts';
import type { RulesRoom } from '../rules/index.ts';
import { STOP_WAIT_MS, type SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';

/** Lists a room made or recovered here; a room its rules close leaves the list at once. */
export function listOpen(openRooms: OpenRoomsFile, runner: RoomRunner): void {
  openRooms.set({ roomId: runner.roomId, game: runner.game.name, code: runner.code });
  runner.onTick((result) => {
    if (result.closed) openRooms.delete(runner.roomId);
  });
}

/**
 * A room disposed of: off the list, and its snapshots deleted where the store can (the files of
 * the hot store would otherwise pile up as rooms come and go; SQL keeps its newest few per room).
 */
export function forgetRoom(
  openRooms: OpenRoomsFile,
  stores: readonly SnapshotStore[],
  roomId: string,
  logger: Logger,
): void {
  openRooms.delete(roomId);
  for (const store of stores)
    void store
      .forget?.(roomSnapshotKey(roomId))
      .catch((error: unknown) =>
        logger.warn({ err: error, roomId, store: store.name }, "a disposed room's snapshots could not be deleted"),
      );
}

/**
 * Brings back the rooms listed when this process last stopped or was killed. A room that cannot
 * be (its game is no longer loaded, nothing of it is left, its newest state is closed) is logged
 * and leaves the list; the others still come back.
 */
export async function restoreOpenRooms(
  openRooms: OpenRoomsFile,
  recoverHere: (roomId: string, code: string | undefined, accept: (room: RulesRoom) => boolean) => Promise<boolean>,
  logger: Logger,
): Promise<void> {
  for (const open of await openRooms.read()) {
    try {
      if (!(await recoverHere(open.roomId, open.code, (room) => !room.closed))) {
        logger.info({ roomId: open.roomId, game: open.game }, 'room closed before the stop: not brought back');
        openRooms.delete(open.roomId);
      }
    } catch (error) {
      logger.warn({ err: error, roomId: open.roomId, game: open.game }, 'room could not be brought back');
      openRooms.delete(open.roomId);
    }
  }
  await openRooms.flush();
}

/**
 * A stop: each room stops ticking and its last state goes to the stores, so the next start begins
 * from it; the list stays as it is. A room whose final snapshot no store took still comes back,
 * from its last scheduled one and the journal after it (the runner's stop published it).
 */
export async function keepForRestart(
  openRooms: OpenRoomsFile,
  runners: readonly RoomRunner[],
  scheduler: SnapshotScheduler,
  logger: Logger,
): Promise<void> {
  const finals = Promise.all(
    runners.map(async (runner) => {
      runner.stop();
      const final = await scheduler.takeNow(roomSnapshotKey(runner.roomId)).catch(() => undefined);
      if (!final?.stored.length)
        logger.warn({ roomId: runner.roomId }, "room's final snapshot not stored: it comes back from its journal");
    }),
  );
  // A store that hangs must not hold the stop: the journal stands in for what it did not take.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finals, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
  clearTimeout(timer);
  await openRooms.flush();
}
