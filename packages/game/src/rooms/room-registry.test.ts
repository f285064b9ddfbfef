/** Rooms on demand: matchmaking by game type, private codes, caps, and disposal when empty. */
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { builtInGames } from '../games/load-games.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { RoomRegistry } from './room-registry.ts';
import type { RoomRunner } from './room-runner.ts';

function registry(options: { maxRooms?: number; createsPerMinute?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const games = new Map(builtInGames().map((g) => [g.name, g]));
  const rooms = new RoomRegistry({
    games: () => games,
    events: { publish: () => {} },
    tickRateHz: 20,
    emptyGraceMs: 5_000,
    clock,
    scheduler: new ManualScheduler(),
    ...options,
  });
  const seats = new Map<string, RoomRunner>();
  const wait = (playerId: string, game = 'connect-four') =>
    rooms.matchmake(game, { playerId, seat: (r) => void seats.set(playerId, r) });
  /** Seats become players when the room takes their joins. */
  const settle = () => {
    for (const [playerId, runner] of seats) {
      if (runner.players.includes(playerId)) continue;
      runner.submit({ kind: 'join', playerId, seq: 0 });
      runner.step();
      runner.reserved--;
    }
  };
  return { clock, rooms, seats, wait, settle };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return undefined;
};

describe('room registry - rooms on demand', () => {
  it('matchmaking - queues players until the game has its minimum, then seats them in one new room', () => {
    const { rooms, seats, wait } = registry();
    wait('ann');
    expect(seats.size).toBe(0);
    expect(rooms.queued('connect-four')).toBe(1);
    wait('bob');
    expect(seats.get('ann')).toBeDefined();
    expect(seats.get('ann')).toBe(seats.get('bob'));
    expect(rooms.size).toBe(1);
    expect(rooms.queued('connect-four')).toBe(0);
  });

  it('matchmaking - fills an open room that has players before making another', () => {
    const { rooms, seats, wait, settle } = registry();
    wait('ann');
    wait('bob');
    settle();
    const first = seats.get('ann')!;
    first.submit({ kind: 'leave', playerId: 'bob', seq: 0 });
    first.step();
    // Ann waits alone in her room: the next player asking for the game fills it.
    wait('cid');
    expect(seats.get('cid')).toBe(first);
    expect(rooms.size).toBe(1);
  });

  it('a queued player who gives up leaves the queue', () => {
    const { rooms, wait } = registry();
    const cancel = wait('ann');
    cancel();
    expect(rooms.queued('connect-four')).toBe(0);
    wait('bob');
    expect(rooms.size).toBe(0);
  });

  it('private rooms - found by code only, never listed', () => {
    const { rooms } = registry();
    const open = rooms.create('connect-four');
    const hidden = rooms.create('connect-four', { private: true });
    expect(hidden.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(rooms.byCode(hidden.code!.toLowerCase())).toBe(hidden);
    expect(rooms.list('connect-four')).toEqual([open]);
    expect(rooms.list('arena')).toEqual([]);
  });

  it('limits - per-user rate, per-process cap and unknown games are refused with their codes', () => {
    const { rooms, clock } = registry({ maxRooms: 3, createsPerMinute: 2 });
    rooms.create('connect-four', { createdBy: 'ann' });
    rooms.create('connect-four', { createdBy: 'ann' });
    expect(codeOf(() => rooms.create('connect-four', { createdBy: 'ann' }))).toBe('GAME_ROOM_RATE_LIMITED');
    clock.advance(60_000);
    rooms.create('connect-four', { createdBy: 'ann' });
    expect(codeOf(() => rooms.create('connect-four', { createdBy: 'bob' }))).toBe('GAME_ROOM_LIMIT');
    expect(codeOf(() => rooms.create('chess'))).toBe('GAME_UNKNOWN_GAME');
    expect(rooms.size).toBe(3);
  });

  it('disposal - a room empty for the grace period is disposed of; one with players stays', () => {
    const { rooms, clock, wait, settle } = registry();
    const empty = rooms.create('connect-four');
    wait('ann');
    wait('bob');
    settle();
    const disposed: string[] = [];
    rooms.observe(() => {}, (r) => void disposed.push(r.roomId));
    clock.advance(4_999);
    rooms.sweep();
    expect(disposed).toEqual([]);
    clock.advance(1);
    rooms.sweep();
    expect(disposed).toEqual([empty.roomId]);
    expect(rooms.size).toBe(1);
    expect(rooms.get(empty.roomId)).toBeUndefined();
  });
});
