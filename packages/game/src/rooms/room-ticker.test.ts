/** Rooms of a tick rate share one timer: a room costs no timer of its own between its commands. */
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { arenaGame } from '../games/arena/arena.ts';
import { builtInGames } from '../games/load-games.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import type { RoomRejection } from '../rules/index.ts';
import { RoomRegistry } from './room-registry.ts';
import { RoomRunner } from './room-runner.ts';
import { RoomTicker } from './room-ticker.ts';
import { recordingLogger } from '../rules/rules-fixture.ts';

describe('room ticker - one timer per tick rate', () => {
  it('a registry steps all its rooms of a rate on one timer, and stops it with the last room', () => {
    const scheduler = new ManualScheduler();
    const games = new Map(builtInGames().map((g) => [g.name, g]));
    const rooms = new RoomRegistry({
      games: () => games,
      events: { publish: () => {} },
      tickRateHz: 20,
      clock: new ManualClock(1_000_000),
      scheduler,
    });
    const made = Array.from({ length: 5 }, () => rooms.create('connect-four'));
    expect(scheduler.delays).toEqual([50]);
    scheduler.runDue();
    scheduler.runDue();
    expect(made.map((r) => r.tick)).toEqual([2, 2, 2, 2, 2]);
    expect(scheduler.delays).toHaveLength(1);
    rooms.dispose(made[0]!.roomId);
    scheduler.runDue();
    expect(made.map((r) => r.tick)).toEqual([2, 3, 3, 3, 3]);
    rooms.close();
    expect(scheduler.delays).toEqual([]);
  });

  it('a room whose step throws is logged; the others go on ticking', () => {
    const scheduler = new ManualScheduler();
    const logger = recordingLogger();
    const ticker = new RoomTicker({ periodMs: 50, clock: new ManualClock(0), scheduler, logger });
    const ticks: string[] = [];
    ticker.add({
      roomId: 'bad',
      tick: () => {
        throw new Error('boom');
      },
    });
    ticker.add({ roomId: 'good', tick: () => void ticks.push('good') });
    scheduler.runDue();
    scheduler.runDue();
    expect(ticks).toEqual(['good', 'good']);
    const failed = logger.lines.filter((l) => l.message === 'room step failed');
    expect(failed.map((l) => [l.level, l.fields.roomId])).toEqual([
      ['error', 'bad'],
      ['error', 'bad'],
    ]);
  });

  it('a late ticker keeps its rooms on wall time: a player at the allowed rate is never refused', () => {
    const clock = new ManualClock(1_000_000);
    const scheduler = new ManualScheduler();
    const ticker = new RoomTicker({ periodMs: 50, clock, scheduler });
    // At most 4 moves a 20-tick window: one every 5 ticks is exactly the allowed rate.
    const game = arenaGame({ rateWindowTicks: 20, maxCommandsPerWindow: 4 });
    const runner = new RoomRunner({ game, roomId: 'late', tickRateHz: 20, events: { publish: () => {} }, clock, ticker });
    const refused: RoomRejection[] = [];
    runner.onTick((r) => void refused.push(...r.rejections));
    runner.submit({ kind: 'join', playerId: 'ann', seq: 0 });
    runner.start();
    const { x, y } = runner.room.state.entities.get('ann') ?? { x: 500, y: 500 };
    for (let seq = 1; seq <= 40; seq++) {
      // The loaded machine wakes the timer 5 ticks late each time.
      clock.advance(5 * 50);
      scheduler.runDue();
      // The client stamps its move with the last tick it saw, one move per 5 ticks of wall time.
      runner.submit({ kind: 'command', playerId: 'ann', seq, command: { type: 'move', tick: runner.tick, x, y } });
    }
    clock.advance(5 * 50);
    scheduler.runDue();
    expect(refused).toEqual([]);
    expect(runner.tick).toBe(41 * 5);
    runner.stop();
  });
});
