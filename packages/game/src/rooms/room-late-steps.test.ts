/**
 * A late ticker's one step over several ticks (issue 51) is journaled as such: a replay gives the
 * player the frames it got, at the ticks it got them, and a recovery on another process steps the
 * room to the same state and tick.
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { encodeEvent, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { encodeRoomCommand } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { arenaGame } from '../games/arena/arena.ts';
import { ManualScheduler } from '../loop/scheduler.ts';
import { recoverRoom } from './room-recovery.ts';
import { replayRoom } from './room-replay.ts';
import { RoomRunner } from './room-runner.ts';
import { RoomTicker } from './room-ticker.ts';

const PERIOD_MS = 50;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('room ticker - late steps on the journal', () => {
  it('replay and recovery step a late step over as many ticks as the live room did', async () => {
    const clock = new ManualClock(1_000_000);
    const scheduler = new ManualScheduler();
    const game = arenaGame();
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
      const frame = r.viewFrames?.get('ann') ?? r.frame;
      if (frame) live.push([r.tick, base64(frame)]);
    });
    runner.submit({ kind: 'join', playerId: 'ann', seq: 0 });
    runner.start();
    clock.advance(PERIOD_MS);
    scheduler.runDue();
    const joinedAt = runner.tick;
    const spawn = runner.room.state.entities.get('ann') as { x: number; y: number };
    let x = spawn.x;
    const y = spawn.y;
    for (let seq = 1; seq <= 12; seq++) {
      const command = { type: 'move', tick: runner.tick, x: (x += 0.4), y };
      // The journal keeps a command as the bytes the client sent.
      runner.submit({ kind: 'command', playerId: 'ann', seq, command }, encodeRoomCommand(command));
      // Every other timer wakes 4 periods late.
      clock.advance((seq % 2 === 0 ? 5 : 1) * PERIOD_MS);
      scheduler.runDue();
    }
    runner.stop();
    expect(runner.tick).toBe(1 + 6 * 5 + 6);

    const log = createInMemoryEventLog();
    await log.append(
      events.map((e) => ({ id: e.id, key: e.partitionkey ?? '', type: e.type, payload: encodeEvent(e) })),
    );
    const games = new Map([[game.name, game]]);
    const replay = await replayRoom({ log, games, roomId: 'late', playerId: 'ann' });
    expect(replay.messages.filter((m) => m.kind === 'reject')).toEqual([]);
    const replayed = replay.messages.filter((m) => m.kind === 'frame' && m.frame !== '').map((m) => [m.tick, m.frame]);
    expect(replayed).toEqual(live.filter(([tick]) => tick > joinedAt));

    const recovered = await recoverRoom({ roomId: 'late', games, stores: [], log, tickRateHz: () => 20, clock });
    expect(recovered.room.tick).toBe(runner.tick);
    expect(recovered.room.snapshot()).toEqual(runner.room.snapshot());
  });
});
