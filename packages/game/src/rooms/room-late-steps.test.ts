/**
 * A late ticker's one step over several ticks (issue 51) is journaled as such: a replay gives the
 * player the frames it got, at the ticks it got them, and a recovery on another process steps the
 * room to the same state and tick — for the arena (no tick handler) and for tag, whose tick
 * handler moves everyone once per tick the step covers.
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { encodeEvent, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { encodeRoomCommand } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { arenaGame } from '../games/arena/arena.ts';
import { tagGame } from '../games/tag/tag.ts';
import type { AnyGameRules } from '../rules/index.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { recoverRoom } from './room-recovery.ts';
import { replayRoom } from './room-replay.ts';
import { RoomRunner } from './room-runner.ts';
import { RoomTicker } from './room-ticker.ts';

const PERIOD_MS = 50;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A room of `game` on a late ticker, its journal published; `drive` plays it (`wake(n)`: a timer n periods on). */
function lateRoom(game: AnyGameRules, viewer: string) {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler();
  const events: EventEnvelope[] = [];
  const runner = new RoomRunner({
    game,
    roomId: 'late',
    tickRateHz: 1000 / PERIOD_MS,
    events: { publish: (e) => void events.push(e) },
    clock,
    ticker: new RoomTicker({ periodMs: PERIOD_MS, clock, scheduler }),
  });
  const live: [number, string][] = [];
  runner.onTick((r) => {
    const frame = r.viewFrames?.get(viewer) ?? r.frame;
    if (frame) live.push([r.tick, base64(frame)]);
  });
  const wake = (periods: number) => {
    clock.advance(periods * PERIOD_MS);
    scheduler.runDue();
  };
  /** Replays the viewer's frames after `joinedAt` and recovers the room from its log alone. */
  const check = async (joinedAt: number) => {
    runner.stop();
    const log = createInMemoryEventLog();
    await log.append(
      events.map((e) => ({ id: e.id, key: e.partitionkey ?? '', type: e.type, payload: encodeEvent(e) })),
    );
    const games = new Map([[game.name, game]]);
    const replay = await replayRoom({ log, games, roomId: 'late', playerId: viewer });
    expect(replay.messages.filter((m) => m.kind === 'reject')).toEqual([]);
    const replayed = replay.messages.filter((m) => m.kind === 'frame' && m.frame !== '').map((m) => [m.tick, m.frame]);
    expect(replayed).toEqual(live.filter(([tick]) => tick > joinedAt));
    const recovered = await recoverRoom({ roomId: 'late', games, stores: [], log, tickRateHz: () => 20, clock });
    expect(recovered.room.tick).toBe(runner.tick);
    expect(recovered.room.snapshot()).toEqual(runner.room.snapshot());
  };
  return { runner, wake, check };
}

describe('room ticker - late steps on the journal', () => {
  it('replay and recovery step a late step over as many ticks as the live room did', async () => {
    const { runner, wake, check } = lateRoom(arenaGame(), 'ann');
    runner.submit({ kind: 'join', playerId: 'ann', seq: 0 });
    runner.start();
    wake(1);
    const joinedAt = runner.tick;
    const spawn = runner.room.state.entities.get('ann') as { x: number; y: number };
    let x = spawn.x;
    const y = spawn.y;
    for (let seq = 1; seq <= 12; seq++) {
      const command = { type: 'move', tick: runner.tick, x: (x += 0.4), y };
      // The journal keeps a command as the bytes the client sent.
      runner.submit({ kind: 'command', playerId: 'ann', seq, command }, encodeRoomCommand(command));
      // Every other timer wakes 4 periods late.
      wake(seq % 2 === 0 ? 5 : 1);
    }
    expect(runner.tick).toBe(1 + 6 * 5 + 6);
    await check(joinedAt);
  });

  it("a late tag room: players move once per tick covered, and its replay is the live room's", async () => {
    const game = tagGame({ width: 200, height: 200, roundMs: 20 * PERIOD_MS, intermissionMs: 4 * PERIOD_MS });
    const { runner, wake, check } = lateRoom(game, 'ann');
    runner.submit({ kind: 'join', playerId: 'ann', seq: 0 });
    runner.submit({ kind: 'join', playerId: 'bob', seq: 0 });
    runner.start();
    wake(1);
    const joinedAt = runner.tick;
    const steer = (seq: number, dx: number, dy: number) => {
      for (const id of ['ann', 'bob']) {
        const command = { type: 'move', dx, dy };
        runner.submit({ kind: 'command', playerId: id, seq, command }, encodeRoomCommand(command));
      }
    };
    // Both steer toward the middle (never into a wall): a late step of 6 ticks moves each 6 steps, not one.
    const ann = () => runner.room.state.entities.get('ann') as { x: number; seat: number };
    let measured = 0;
    for (let seq = 1; seq <= 10; seq++) {
      const before = ann().x;
      steer(seq, before < 100 ? 1 : -1, 0);
      const playing = runner.room.state.room.status === 'playing';
      const it = runner.room.state.room.it === ann().seat;
      const late = seq % 2 === 0 ? 6 : 1;
      wake(late);
      // Within one round (a new round scatters everyone).
      if (!playing || runner.room.state.room.status !== 'playing') continue;
      expect(Math.abs(ann().x - before)).toBeCloseTo(late * (it ? 0.55 : 0.5), 6);
      measured++;
    }
    expect(measured).toBeGreaterThan(3);
    await check(joinedAt);
  });
});
