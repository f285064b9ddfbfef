/**
 * @module Recovery of a rules room on another game process (failover, hand-off): its newest
 * snapshot (hot store, else cold), then the ticks its journal logged after it, stepped again with
 * the same times and inputs (commands as the bytes the clients sent) so the room reaches the state
 * it had — the rules are deterministic. With no snapshot yet, the room is stepped from its opening
 * (its seed and first time). Inputs journaled for the tick after the last logged one are queued,
 * as they were. Events of the re-stepped ticks are not published again: they were at the time.
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { EventLog } from '@tickline/eventlog';
import { RulesRoom, type AnyGameRules, type RoomSnapshot } from '../rules/index.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { TicklineError } from '@tickline/kernel';
import { RejectReason } from '../zone/errors.ts';
import { inputOf, readRoomJournal, type RoomOpenedData } from './room-journal-reader.ts';
import { decodeRoomSnapshot, roomSnapshotKey } from './room-snapshots.ts';

export interface RecoverRoomOptions {
  roomId: string;
  games: ReadonlyMap<string, AnyGameRules>;
  /** The snapshot stores, newest-first in preference: hot, then cold. */
  stores: readonly SnapshotStore[];
  /** The log the room's journal is on (its partition of a partitioned game log). */
  log: Pick<EventLog, 'read' | 'head'>;
  /** The room's tick rate (`ctx`'s tick length) as its registry runs it. */
  tickRateHz: (game: AnyGameRules) => number;
  /** The live clock the recovered room goes on with. @default systemClock */
  clock?: Clock;
  logger?: Logger;
}

export interface RecoveredRoom {
  room: RulesRoom;
  /** Where the state came from: a snapshot of a store, or the log alone. */
  source: string;
  /** The snapshot's tick (0 without one). */
  snapshotTick: number;
  /** Ticks stepped again from the journal. */
  replayedTicks: number;
}

/** @throws GAME_REPLAY_NOT_FOUND (nothing of the room anywhere), GAME_UNKNOWN_GAME, GAME_RULES_VERSION */
export async function recoverRoom(options: RecoverRoomOptions): Promise<RecoveredRoom> {
  const { roomId } = options;
  const logger = options.logger ?? silentLogger;
  const found = await latestSnapshot(options.stores, roomId, logger);
  const snapshot = found?.snapshot;
  const journal = await readRoomJournal(options.log, roomId, { sinceTick: snapshot?.tick ?? 0 });
  const gameName = snapshot?.game ?? (journal.opened as RoomOpenedData).game;
  const game = options.games.get(gameName);
  if (!game)
    throw new TicklineError(
      RejectReason.UnknownGame,
      `no game ${gameName} is loaded here to recover room ${roomId}`,
      {
        details: { game: gameName, roomId },
      },
    );
  const live = options.clock ?? systemClock;
  // The re-stepped ticks see the times they had; the room then goes on with the live clock.
  let replayNow: number | undefined = journal.opened?.nowMs;
  const clock: Clock = { now: () => replayNow ?? live.now(), monotonic: () => live.monotonic() };
  const roomOptions = { game, roomId, clock, logger, tickRateHz: options.tickRateHz(game) };
  const room = snapshot
    ? RulesRoom.restore(snapshot, roomOptions)
    : new RulesRoom({ ...roomOptions, seed: journal.opened!.seed });
  const from = room.tick;
  for (let tick = from + 1; tick <= journal.loggedThroughTick + 1; tick++) {
    for (const [, kind, who, seq, x] of journal.entries.get(tick) ?? []) {
      // A full frame sent starts a spatial game's view of the player again: it changes later frames.
      if (kind === 'view') room.fullFrame(who);
      else if (kind !== 'drop') room.enqueue(inputOf(kind, who, seq, x));
    }
    const time = journal.times.get(tick);
    // The tick after the last logged one: its inputs are queued, its step is the live room's.
    if (time === undefined) break;
    replayNow = time;
    // A step the live loop took over several ticks (it ran late) is taken over as many again.
    const ticks = journal.folds.get(tick) ?? 1;
    room.step(ticks);
    tick += ticks - 1;
  }
  replayNow = undefined;
  return {
    room,
    source: found?.store ?? 'log',
    snapshotTick: snapshot?.tick ?? 0,
    replayedTicks: room.tick - from,
  };
}

/** The first store's newest snapshot of the room that decodes; a failing store is skipped. */
async function latestSnapshot(
  stores: readonly SnapshotStore[],
  roomId: string,
  logger: Logger,
): Promise<{ snapshot: RoomSnapshot; store: string } | undefined> {
  for (const store of stores) {
    try {
      const stored = await store.latest(roomSnapshotKey(roomId));
      if (stored) return { snapshot: decodeRoomSnapshot(stored.bytes), store: store.name };
    } catch (error) {
      logger.warn(
        { err: error, roomId, store: store.name },
        'room snapshot unreadable: trying the next store',
      );
    }
  }
  return undefined;
}
