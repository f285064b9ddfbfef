/**
 * @module Rules rooms outlive their game process, the way zones do, on the zones' machinery: each
 * room is snapshotted by the zones' scheduler (hot and cold, keyed `room/<id>`), owned in a second
 * directory (`{prefix}game:rooms`: owner, epoch, lease, heartbeat) and watched by the zones'
 * failover. A room whose process went silent for `failoverAfterMs` is taken by exactly one
 * survivor, which recovers it (newest snapshot, then the journal's ticks after it, see
 * room-recovery.ts) and runs it under the same id and private code; its players keep their seats
 * for the resume grace and resume there with a new ticket (`POST /game/rooms/join` finds the
 * room's new holder). A hand-off (an operator's, or a stop with `game.handOffOnStop`) takes a
 * final snapshot and lets the room go at once. A process that finds a room taken over (it
 * stalled past its lease) moves its players out without a leave.
 *
 * Without a directory (the embedded default: no Redis, no peer) the next holder of a room is this
 * process's next start: rooms are snapshotted all the same, the rooms open here are listed in a
 * file of the data dir (see open-rooms.ts), a stop takes each room's last snapshot and keeps the
 * list, and a start brings the listed rooms back the way a peer takes one over. A room disposed of
 * or closed leaves the list, so it does not come back.
 */
import {
  ServiceStatus,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { EventLog } from '@tickline/eventlog';
import { GameCloseCode as CloseCode } from '@tickline/protocol';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { GameSessionError } from '../protocol/session-error.ts';
import type { AnyGameRules, RulesRoom } from '../rules/index.ts';
import type { OpenRoomsFile } from '../rooms/open-rooms.ts';
import { recoverRoom, type RecoveredRoom } from '../rooms/room-recovery.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import type { RoomSessions } from '../rooms/room-sessions.ts';
import { roomSnapshotKey, roomSnapshotSource } from '../rooms/room-snapshots.ts';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import type { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { openZoneDirectory } from './game-coordinator.ts';
import type { HandOffResult } from './game-host-types.ts';
import { forgetRoom, keepForRestart, listOpen, restoreOpenRooms } from './room-restart.ts';
import {
  acquireWhenAnswered,
  DEFAULT_ZONE_STALE_AFTER_MS,
  releaseZone,
  type ZoneDirectory,
} from './zone-directory.ts';

/** How often a hand-off looks for the peer that took the room. */
const HANDOFF_POLL_MS = 100;

export interface RoomFailoverOptions {
  registry: RoomRegistry;
  sessions: RoomSessions;
  /** The zones' scheduler: rooms are snapshotted on its intervals, to its stores. */
  scheduler: SnapshotScheduler;
  /** The same stores, hot first, for recovery. */
  stores: readonly SnapshotStore[];
  /** The log a room's journal goes to (its partition of a partitioned game log). */
  logFor: (roomId: string) => Pick<EventLog, 'read' | 'head'>;
  games: () => ReadonlyMap<string, AnyGameRules>;
  /** The rooms directory (`createZoneDirectory(redis, context, 'rooms')`); none: see `openRooms`. */
  directory: ZoneDirectory | undefined;
  /**
   * Without a directory: the list of the rooms open here, so that this process's next start brings
   * them back. Ignored with a directory (a restarted process takes its rooms over like any peer).
   * None: without a directory, rooms live and die with the process.
   */
  openRooms?: OpenRoomsFile | undefined;
  /** This process as named in the directories. */
  owner: string;
  /** Silence after which a peer takes a room over; 0: no failover. */
  failoverAfterMs: number;
  /** This process's absolute addresses, for the directory entries. */
  addresses: () => { tcp: string | null; ws: string | null };
  /** The zones' lease: rooms are snapshotted only while it holds. */
  leased: () => boolean;
  /** The heartbeat renewed the lease (see zone-directory-sync.ts). */
  renewed: (startedAt: number) => void;
  logger: Logger;
}

export interface RoomFailover extends Service {
  /**
   * Moves a room to another game process: final snapshot, the room let go in the directory, its
   * players' links closed with GAME_ZONE_MOVED (they resume on the peer). Waits up to `waitMs`
   * for a peer to take it. @throws GAME_ROOM_UNKNOWN, GAME_HANDOFF_UNAVAILABLE
   */
  handOff(roomId: string, message: string, waitMs: number): Promise<HandOffResult>;
  /**
   * Hands off every room here without waiting for a peer each (a drained stop); failures are
   * logged. Players queued by matchmaking are told GAME_ZONE_MOVED first, to queue again elsewhere.
   */
  handOffAll(message: string): Promise<void>;
  /** How each room recovered here came back. */
  recoveries(): ReadonlyMap<string, Omit<RecoveredRoom, 'room'>>;
}

export function createRoomFailover(options: RoomFailoverOptions): RoomFailover {
  const { registry, sessions, scheduler, directory, owner, logger } = options;
  /** The rooms to bring back at the next start (the embedded default). */
  const openRooms = directory ? undefined : options.openRooms;
  /** Set by a stop: the disposals that follow are the stop's, and the rooms stay on the list. */
  let keeping = false;
  const fenced = directory !== undefined && options.failoverAfterMs > 0;
  const staleAfterMs = options.failoverAfterMs > 0 ? options.failoverAfterMs : DEFAULT_ZONE_STALE_AFTER_MS;
  /** The epoch each local room is held at (none yet: written unfenced until its take lands). */
  const epochs = new Map<string, number>();
  /** Rooms leaving with their players: their directory entry is the next holder's, not removed. */
  const moving = new Set<string>();
  const recoveries = new Map<string, Omit<RecoveredRoom, 'room'>>();
  let close: (() => Promise<void>) | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;

  registry.observe(
    (runner) => {
      // Without a directory only this process's next start could bring a room back; with no list
      // of rooms to bring back, its snapshots would be written for nobody.
      if (!directory) {
        if (!openRooms) return;
        scheduler.add(roomSnapshotSource(runner, options.leased));
        return listOpen(openRooms, runner);
      }
      scheduler.add(roomSnapshotSource(runner, options.leased));
      if (epochs.has(runner.roomId)) return;
      // A new room: taken in the directory, so a peer's take-over fences this process.
      void acquireNew(runner);
    },
    (runner) => {
      scheduler.remove(roomSnapshotKey(runner.roomId));
      epochs.delete(runner.roomId);
      if (openRooms && !keeping) forgetRoom(openRooms, options.stores, runner.roomId, logger);
      if (directory && !moving.has(runner.roomId)) void directory.remove([runner.roomId]).catch(() => {});
    },
  );

  /**
   * Takes a new room in the directory, again each second while Redis does not answer (a take that
   * timed out on a busy machine may have landed: taking a room this owner holds succeeds). Until
   * it lands the room runs unfenced and cannot be handed off.
   */
  async function acquireNew(runner: RoomRunner): Promise<void> {
    let warned = false;
    const told = {
      acquire: (...args: Parameters<ZoneDirectory['acquire']>) =>
        directory!.acquire(...args).catch((error: unknown) => {
          if (!warned)
            logger.warn(
              { err: error, roomId: runner.roomId },
              'room ownership unknown (Redis away): unfenced',
            );
          warned = true;
          throw error;
        }),
    };
    const here = () => registry.get(runner.roomId) === runner;
    const epoch = await acquireWhenAnswered(
      told,
      runner.roomId,
      owner,
      { expectedEpoch: -1, staleAfterMs },
      () => here() && state !== ServiceStatus.Stopping,
    );
    if (typeof epoch === 'number' && here()) epochs.set(runner.roomId, epoch);
  }

  const entryOf = (runner: RoomRunner): ZoneEntry => ({
    zoneId: runner.roomId,
    ...options.addresses(),
    players: runner.players.length,
    capacity: runner.game.players.max,
    draining: false,
    updatedAt: Date.now(),
    owner,
    epoch: epochs.get(runner.roomId),
    code: runner.code,
  });

  /** Takes the room out of this process with its players (no leave: they resume where it goes). */
  function moveOut(runner: RoomRunner, message: string): number {
    moving.add(runner.roomId);
    try {
      const told = sessions.moveOut(runner, message);
      registry.dispose(runner.roomId);
      return told;
    } finally {
      moving.delete(runner.roomId);
    }
  }

  /**
   * Recovers a room (newest snapshot, then its journal) and runs it here under its id and code,
   * unless `accept` turns the recovered room down. Returns whether it runs here.
   */
  async function recoverHere(
    roomId: string,
    code: string | undefined,
    accept: (room: RulesRoom) => boolean,
  ): Promise<boolean> {
    const started = performance.now();
    const { room, ...report } = await recoverRoom({
      roomId,
      games: options.games(),
      stores: options.stores,
      log: options.logFor(roomId),
      tickRateHz: (game) => registry.tickRateOf(game),
      logger,
    });
    if (!accept(room)) return false;
    registry.adopt(room, { code });
    recoveries.set(roomId, report);
    logger.info(
      {
        roomId,
        game: room.game.name,
        tick: room.tick,
        ...report,
        recoverMs: Math.round(performance.now() - started),
      },
      'room recovered here',
    );
    return true;
  }

  async function adopt(roomId: string, epoch: number, entry: ZoneEntry): Promise<void> {
    if (registry.get(roomId)) return;
    await recoverHere(roomId, entry.code, () => {
      // Before the registry hears of it: a room held at an epoch is not acquired again.
      epochs.set(roomId, epoch);
      return true;
    });
  }

  const failover: RoomFailover = {
    name: 'game-room-failover',
    recoveries: () => recoveries,
    async start(context: ServiceContext) {
      if (openRooms) await restoreOpenRooms(openRooms, recoverHere, logger);
      close = await openZoneDirectory(directory, undefined, () => registry.all().map(entryOf), context, {
        owner,
        failoverAfterMs: options.failoverAfterMs,
        adopt,
        lost(roomIds) {
          for (const roomId of roomIds) {
            const runner = registry.get(roomId);
            if (!runner) continue;
            context.logger.warn({ roomId }, 'room taken over by another game process: moved out of here');
            moveOut(runner, 'The room moved to another server; reconnecting.');
          }
        },
        renewed: options.renewed,
      });
      state = ServiceStatus.Up;
    },
    async handOff(roomId, message, waitMs) {
      const runner = registry.get(roomId);
      if (!runner) throw new GameSessionError(CloseCode.RoomUnknown, `room ${roomId} is not held here`);
      const epoch = epochs.get(roomId);
      if (!directory || !fenced || epoch === undefined)
        throw new GameSnapshotError(
          'GAME_HANDOFF_UNAVAILABLE',
          `room ${roomId} cannot be handed off: it needs redis.url, game.failoverAfterMs > 0 and the room held in the directory`,
          { details: { roomId } },
        );
      // The room stops here first, so the final snapshot is its last state.
      runner.stop();
      const final = await scheduler.takeNow(roomSnapshotKey(roomId));
      if (!final?.stored.length) {
        runner.start();
        throw new GameSnapshotError(
          'GAME_HANDOFF_UNAVAILABLE',
          `room ${roomId}: no store took its final snapshot`,
          {
            details: { roomId },
          },
        );
      }
      // Sent again while it times out: the room has stopped here and must reach its next holder.
      const released = await releaseZone(directory, entryOf(runner), owner, epoch);
      const playersTold = moveOut(runner, message);
      logger.info({ roomId, players: playersTold, released }, 'room handed off');
      let to: string | null = null;
      for (const until = Date.now() + waitMs; to === null && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, HANDOFF_POLL_MS));
        const taken = (await directory.read().catch(() => [])).find(
          (e) => e.zoneId === roomId && e.owner !== owner,
        );
        if (taken) to = taken.owner ?? null;
      }
      return { playersTold, snapshotId: final.snapshot.id, from: owner, to };
    },
    async handOffAll(message) {
      // Players still queued here have no room to follow: they queue again elsewhere.
      const requeued = options.sessions.moveQueuedOut(message);
      if (requeued > 0) logger.info({ players: requeued }, 'queued players told to queue again elsewhere');
      for (const runner of registry.all())
        await failover
          .handOff(runner.roomId, message, 0)
          .catch((error: unknown) =>
            logger.warn({ err: error, roomId: runner.roomId }, 'room hand-off failed'),
          );
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await close?.();
      if (openRooms) {
        keeping = true;
        await keepForRestart(openRooms, registry.all(), scheduler, logger);
      }
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, info: { rooms: registry.size, recovered: recoveries.size } };
    },
  };
  return failover;
}
