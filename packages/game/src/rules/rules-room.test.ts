import { ManualClock, threadCpuMicros } from '@tickline/kernel';
import { describe, expect, it, vi } from 'vitest';
import { checkGame } from './check-game.ts';
import { decodeRoomFrame, ROOM_FRAME_VERSION, RoomView } from './room-delta.ts';
import { RoomClosed } from './room-events.ts';
import { isGameRulesError } from './rules-error.ts';
import { counterGame, recordingLogger } from './rules-fixture.ts';
import { accept, defineGame } from './types.ts';
import { RulesRoom, type RoomInput, type RulesRoomOptions } from './rules-room.ts';

function room(options: Partial<RulesRoomOptions> = {}): RulesRoom {
  return new RulesRoom({ game: counterGame(), roomId: 'r1', clock: new ManualClock(1_000), ...options });
}

/** Enqueues the inputs and steps once. */
function stepWith(r: RulesRoom, ...inputs: RoomInput[]) {
  for (const i of inputs) r.enqueue(i);
  return r.step();
}

const join = (playerId: string, seq = 1): RoomInput => ({ kind: 'join', playerId, seq });
const cmd = (playerId: string, seq: number, command: unknown): RoomInput => ({
  kind: 'command',
  playerId,
  seq,
  command,
});

describe('rules room - handler context', () => {
  it("a handler that writes over its context changes nothing for the next: each sees its own call's", () => {
    const seen: Array<[number, number, string]> = [];
    const game = defineGame({
      name: 'ctx-writer',
      version: 1,
      players: { min: 1, max: 3 },
      state: { room: {}, entity: {} },
      commands: { poke: {} },
      reasons: {},
      init: () => ({}),
      join: (state, playerId) => {
        state.entities.set(playerId, {});
        return accept();
      },
      leave() {},
      command(_state, _playerId, _command, ctx) {
        seen.push([ctx.tick, ctx.seq, ctx.players.join()]);
        Object.assign(ctx as object, { tick: -1, seq: -1, players: [], emit: null });
        return accept();
      },
    });
    const r = new RulesRoom({ game, roomId: 'r1', clock: new ManualClock(1_000) });
    stepWith(r, join('a'), join('b', 1));
    stepWith(r, cmd('a', 2, { type: 'poke' }), cmd('b', 2, { type: 'poke' }));
    stepWith(r, cmd('a', 3, { type: 'poke' }));
    expect(seen).toEqual([
      [2, 2, 'a,b'],
      [2, 2, 'a,b'],
      [3, 3, 'a,b'],
    ]);
  });
});

describe('rules room - commands', () => {
  it('applies an accepted command, its events and its frame', () => {
    const r = room();
    stepWith(r, join('a'));
    const out = stepWith(r, cmd('a', 2, { type: 'add', by: 3 }));
    expect(out.acks).toEqual([{ playerId: 'a', seq: 2 }]);
    expect(r.state.room.total).toBe(3);
    expect(out.events.map((e) => [e.type, e.subject, e.data, e.source])).toEqual([
      ['game.counter.counted', 'a', { by: 3 }, 'room/r1'],
    ]);
    // Entity `a` by its handle, announced in the frame of its join.
    // Fields by index in the game's table (total, adds: both index 0): a mask, then the values.
    expect(decodeRoomFrame(out.frame!)).toEqual({ v: ROOM_FRAME_VERSION, t: 2, r: [1, 3], e: [0, [1, 1]] });
  });

  it('a rejection keeps the state and drops the events, with the game reason', () => {
    const r = room();
    stepWith(r, join('a'));
    const out = stepWith(r, cmd('a', 2, { type: 'add', by: 0 }));
    expect(out.rejections).toEqual([{ playerId: 'a', seq: 2, reason: 'CT_ZERO' }]);
    expect(out.events).toEqual([]);
    expect(out.frame).toBeUndefined();
  });

  it.each([
    ['not an object', 7, 'GAME_MALFORMED'],
    ['no type', { by: 1 }, 'GAME_MALFORMED'],
    ['an unknown type', { type: 'fly' }, 'GAME_UNKNOWN_COMMAND'],
    ['an inherited type', { type: 'toString' }, 'GAME_UNKNOWN_COMMAND'],
    ['an extra field', { type: 'add', by: 1, x: 2 }, 'GAME_MALFORMED'],
    ['a missing field', { type: 'add' }, 'GAME_MALFORMED'],
    ['a field out of range', { type: 'add', by: 11 }, 'GAME_MALFORMED'],
    ['a field of another type', { type: 'add', by: '1' }, 'GAME_MALFORMED'],
  ])('the decoder refuses %s before the game sees it', (_, command, reason) => {
    const r = room();
    stepWith(r, join('a'));
    const out = stepWith(r, cmd('a', 2, command));
    expect(out.rejections).toMatchObject([{ playerId: 'a', seq: 2, reason }]);
    expect(r.state.room.total).toBe(0);
  });

  it('refuses commands of players not in the room, stale seqs, double joins and joins past max', () => {
    const r = room();
    stepWith(r, join('a', 5), join('b'), join('c'));
    const out = stepWith(
      r,
      cmd('x', 1, { type: 'add', by: 1 }),
      cmd('a', 5, { type: 'add', by: 1 }),
      join('a', 6),
      join('d'),
    );
    expect(out.rejections.map((j) => j.reason)).toEqual([
      'GAME_NOT_JOINED',
      'GAME_STALE_SEQ',
      'GAME_ALREADY_JOINED',
      'GAME_ZONE_FULL',
    ]);
  });
});

describe('rules room - failing handlers', () => {
  it('a handler that throws is rejected with GAME_RULES_ERROR, logged with game and room, and the room keeps ticking', () => {
    const logger = recordingLogger();
    const r = room({ logger });
    stepWith(r, join('a'));
    const out = stepWith(r, cmd('a', 2, { type: 'boom' }));
    expect(out.rejections).toEqual([{ playerId: 'a', seq: 2, reason: 'GAME_RULES_ERROR' }]);
    expect(out.events).toEqual([]);
    expect(r.state.room.total).toBe(0);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ game: 'counter', roomId: 'r1', hook: 'command', playerId: 'a' }),
      }),
    );
    expect(stepWith(r, cmd('a', 3, { type: 'add', by: 1 })).acks).toEqual([{ playerId: 'a', seq: 3 }]);
    expect(r.state.room.total).toBe(1);
  });

  it.each([
    ['leaves an invalid value', 'bad'],
    ['rejects with a reason it did not declare', 'odd'],
  ])('a handler that %s is rejected with GAME_RULES_ERROR', (_, type) => {
    const r = room();
    stepWith(r, join('a'));
    expect(stepWith(r, cmd('a', 2, { type })).rejections).toMatchObject([{ reason: 'GAME_RULES_ERROR' }]);
    expect(r.state.room.total).toBe(0);
  });

  it('a handler past its budget is rejected with GAME_RULES_ERROR and its changes dropped', () => {
    let now = 0;
    const r = room({
      game: counterGame({ onSlow: () => (now += 50) }),
      timer: () => now,
      handlerBudgetMs: 10,
    });
    stepWith(r, join('a'));
    expect(stepWith(r, cmd('a', 2, { type: 'slow' })).rejections).toMatchObject([
      { reason: 'GAME_RULES_ERROR' },
    ]);
    expect(r.state.room.total).toBe(0);
  });

  it("on this thread's CPU clock: a busy handler is over budget; quick ones share one clock read", () => {
    const busy = () => {
      const from = threadCpuMicros();
      while (threadCpuMicros() - from < 5_000);
    };
    const r = room({ game: counterGame({ onSlow: busy }), handlerBudgetMs: 1 });
    stepWith(r, join('a'));
    expect(stepWith(r, cmd('a', 2, { type: 'slow' })).rejections).toMatchObject([
      { reason: 'GAME_RULES_ERROR' },
    ]);
    // A budget no preemption of a busy machine reaches in wall time.
    const quick = room({ handlerBudgetMs: 60_000 });
    const reads = vi.spyOn(process, 'threadCpuUsage');
    try {
      stepWith(quick, join('a'));
      const commands = Array.from({ length: 20 }, (_, i) => cmd('a', i + 2, { type: 'add', by: 1 }));
      expect(stepWith(quick, ...commands.slice(0, 10)).acks).toHaveLength(10);
      expect(stepWith(quick, ...commands.slice(10)).acks).toHaveLength(10);
      // Each done within its budget of wall time, so of CPU: one mark read (this thread's, maybe
      // taken already by the room before) serves all 21.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('closes the room, once, after failures in a row: a notice, an event, then GAME_ROOM_CLOSED', () => {
    const r = room({ maxConsecutiveFailures: 3 });
    stepWith(r, join('a'));
    stepWith(r, cmd('a', 2, { type: 'boom' }), cmd('a', 3, { type: 'boom' }));
    const closing = stepWith(r, cmd('a', 4, { type: 'boom' }));
    expect(closing.closed).toEqual({ code: 'GAME_RULES_ERROR', message: expect.stringContaining('counter') });
    expect(closing.events.map((e) => [e.type, e.data])).toEqual([
      [RoomClosed.type, expect.objectContaining({ roomId: 'r1', game: 'counter', code: 'GAME_RULES_ERROR' })],
    ]);
    const after = stepWith(r, cmd('a', 5, { type: 'add', by: 1 }));
    expect(after.rejections).toMatchObject([{ reason: 'GAME_ROOM_CLOSED' }]);
    expect(after.closed).toBeUndefined();
    expect(r.closed).toBe(true);
  });

  it('a success between failures keeps the room open', () => {
    const r = room({ maxConsecutiveFailures: 2 });
    stepWith(r, join('a'));
    stepWith(
      r,
      cmd('a', 2, { type: 'boom' }),
      cmd('a', 3, { type: 'add', by: 1 }),
      cmd('a', 4, { type: 'boom' }),
    );
    expect(r.closed).toBe(false);
  });
});

describe('rules room - frames and snapshots', () => {
  it("a client's view built from the full frame and the deltas is the room's state", () => {
    const r = room();
    const view = new RoomView();
    const frames = [
      stepWith(r, join('a'), join('b')),
      stepWith(r, cmd('a', 2, { type: 'add', by: 2 })),
      stepWith(r),
      stepWith(r, { kind: 'leave', playerId: 'b', seq: 2 }, cmd('a', 3, { type: 'add', by: 4 })),
    ].map((s) => s.frame);
    expect(frames[2]).toBeUndefined();
    for (const f of frames) if (f) view.apply(decodeRoomFrame(f));
    expect(view.room).toEqual({ total: 6 });
    expect([...view.entities]).toEqual([['a', { adds: 2 }]]);
    const late = new RoomView();
    late.apply(decodeRoomFrame(r.fullFrame()));
    expect(late).toEqual(view);
  });

  it('a restored room continues where the snapshot was, with a reset frame', () => {
    const r = room({ seed: 42 });
    stepWith(r, join('a'));
    stepWith(r, cmd('a', 2, { type: 'add', by: 5 }));
    const copy = RulesRoom.restore(structuredClone(r.snapshot()), { game: counterGame(), roomId: 'ignored' });
    expect(copy.roomId).toBe('r1');
    expect(copy.tick).toBe(2);
    const out = stepWith(copy, cmd('a', 2, { type: 'add', by: 1 }), cmd('a', 3, { type: 'add', by: 1 }));
    expect(out.rejections).toMatchObject([{ reason: 'GAME_STALE_SEQ' }]);
    expect(decodeRoomFrame(out.frame!)).toMatchObject({
      reset: true,
      f: { r: ['total'], e: ['adds'] },
      r: [1, 6],
    });
    expect(out.events[0]!.seq).toBe(2);
  });

  it('ticks that keep nothing send nothing; the next change and a restore are framed', () => {
    const r = room();
    stepWith(r, join('a'), join('b'));
    const quiet = [stepWith(r), stepWith(r, cmd('a', 2, { type: 'add', by: 0 })), stepWith(r)];
    expect(quiet.map((s) => s.frame)).toEqual([undefined, undefined, undefined]);
    const left = stepWith(r, { kind: 'leave', playerId: 'b', seq: 1 });
    expect(decodeRoomFrame(left.frame!)).toEqual({ v: ROOM_FRAME_VERSION, t: 5, x: [1] });
    expect(stepWith(r).frame).toBeUndefined();
    const copy = RulesRoom.restore(r.snapshot(), { game: counterGame(), roomId: 'r1' });
    expect(decodeRoomFrame(copy.step().frame!)).toMatchObject({ reset: true, n: { a: 0 }, e: [0, [1, 0]] });
    expect(copy.step().frame).toBeUndefined();
  });

  it('a snapshot through MessagePack (closed: null) restores an open room; a closed one stays closed', () => {
    const open = RulesRoom.restore(
      { ...room().snapshot(), closed: null },
      { game: counterGame(), roomId: 'r1' },
    );
    expect(open.closed).toBe(false);
    const shut = room({ maxConsecutiveFailures: 1 });
    stepWith(shut, join('a'));
    stepWith(shut, cmd('a', 2, { type: 'boom' }));
    const again = RulesRoom.restore(shut.snapshot(), { game: counterGame(), roomId: 'r1' });
    expect(again.closed).toBe(true);
    expect(stepWith(again, cmd('a', 3, { type: 'add', by: 1 }))).toMatchObject({
      closed: undefined,
      rejections: [{ reason: 'GAME_ROOM_CLOSED' }],
    });
  });

  it('refuses a snapshot of an older game version without migrate, and migrates with one', () => {
    const old = { ...room().snapshot(), gameVersion: 1 };
    let error: unknown;
    try {
      RulesRoom.restore(old, { game: counterGame(), roomId: 'r1' });
    } catch (e) {
      error = e;
    }
    expect(isGameRulesError(error, 'GAME_RULES_VERSION')).toBe(true);
    const game = { ...counterGame(), migrate: (s: typeof old.state) => ({ ...s, room: { total: 7 } }) };
    expect(RulesRoom.restore(old, { game, roomId: 'r1' }).state.room.total).toBe(7);
  });
});

describe('rules API - checking a game at load', () => {
  it('accepts a valid game', () => {
    expect(checkGame(counterGame(), 'games/counter.ts').name).toBe('counter');
  });

  it.each([
    ['no game', undefined, 'does not export a game'],
    ['a bad name', { ...counterGame(), name: 'Counter!' }, 'name'],
    ['a bad version', { ...counterGame(), version: 0 }, 'version'],
    ['a missing handler', { ...counterGame(), command: undefined }, 'command must be a function'],
    [
      'a bad field',
      { ...counterGame(), state: { room: { n: { kind: 'int', min: 2, max: 1 } }, entity: {} } },
      'state.room.n',
    ],
    ['a bad reason', { ...counterGame(), reasons: { lower: 'x' } }, 'reason lower'],
  ])('refuses %s with GAME_RULES_INVALID naming the file', (_, game, part) => {
    let error: unknown;
    try {
      checkGame(game, 'games/counter.ts');
    } catch (e) {
      error = e;
    }
    expect(isGameRulesError(error, 'GAME_RULES_INVALID')).toBe(true);
    expect((error as Error).message).toContain('games/counter.ts');
    expect((error as Error).message).toContain(part);
  });
});
