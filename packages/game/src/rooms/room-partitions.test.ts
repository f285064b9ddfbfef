/**
 * Rooms on a partitioned game log: a room's events (its journal, its game's domain events) are
 * keyed by its id, so the partitioned publisher puts them all in the partition the id hashes to,
 * and rooms made on demand (random ids) spread over the partitions as zones do.
 */
import { createPartitionedPublisher, partitionIndex, type Publisher } from '@tickline/eventlog';
import { ManualClock, type EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { builtInGames } from '../games/load-games.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { RoomRegistry } from './room-registry.ts';

/** The partition count `npm run cluster` and deploy/ ship (deploy/test/game-partitions.test.ts). */
const PARTITIONS = 4;
const ROOMS = 16;

/** A partition's publisher that keeps what it was given (only `publish` is reached here). */
function keeping(into: EventEnvelope[]): Publisher {
  return { publish: (event: EventEnvelope) => void into.push(event) } as unknown as Publisher;
}

describe('rooms - on a partitioned game log', () => {
  it('each room’s events go to the partition its id hashes to, and the rooms span several partitions', () => {
    const partitions = Array.from({ length: PARTITIONS }, () => [] as EventEnvelope[]);
    const games = new Map(builtInGames().map((g) => [g.name, g]));
    const rooms = new RoomRegistry({
      games: () => games,
      events: createPartitionedPublisher('game-publisher', partitions.map(keeping)),
      tickRateHz: 20,
      maxRooms: ROOMS,
      createsPerMinute: ROOMS,
      clock: new ManualClock(1_000_000),
      scheduler: new ManualScheduler(),
    });
    const made = Array.from({ length: ROOMS }, () => rooms.create('connect-four'));
    for (const room of made) {
      room.submit({ kind: 'join', playerId: `${room.roomId}-a`, seq: 0 });
      room.submit({ kind: 'join', playerId: `${room.roomId}-b`, seq: 0 });
      room.step();
      room.journal.flush();
    }
    const used = new Set<number>();
    for (const room of made) {
      const home = partitionIndex(room.roomId, PARTITIONS);
      used.add(home);
      for (const [index, events] of partitions.entries()) {
        const mine = events.filter((e) => e.partitionkey === room.roomId);
        // Opened, then its ticks: nothing of the room anywhere else.
        if (index === home) expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['game.room.opened', 'game.room.ticks']));
        else expect(mine, `${room.roomId} in partition ${index}`).toEqual([]);
      }
    }
    expect(used.size).toBeGreaterThan(1);
  });
});
