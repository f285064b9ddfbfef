import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { field } from './fields.ts';
import { SeededRandom } from './random.ts';
import { decodeRoomFrame, EntityHandles, RoomView } from './room-delta.ts';
import { RulesRoom } from './rules-room.ts';
import { accept, defineGame, type AnyGameRules } from './types.ts';

/** Walkers on a 100 × 100 plane at the arena's wire step; `viewRadius` undefined: no space. */
function walkers(viewRadius?: number): AnyGameRules {
  return defineGame({
    name: 'walkers',
    version: 1,
    players: { min: 1, max: 200 },
    state: {
      room: {},
      entity: { x: field.float(0, 100, { step: 1 / 64 }), y: field.float(0, 100, { step: 1 / 64 }) },
    },
    commands: { go: { x: field.float(0, 100), y: field.float(0, 100) } },
    reasons: {},
    ...(viewRadius === undefined ? {} : { spatial: { x: 'x', y: 'y', viewRadius } }),
    init: () => ({}),
    join(state, playerId, ctx) {
      state.entities.set(playerId, { x: ctx.random.int(0, 100), y: ctx.random.int(0, 100) });
      return accept();
    },
    leave() {},
    command(state, playerId, command) {
      state.entities.set(playerId, { x: command.x, y: command.y });
      return accept();
    },
  }) as AnyGameRules;
}

const rounded = (v: number) => Math.round(v * 64) / 64;

describe('rules room - entities named by handle in frames', () => {
  it("a frame moving N entities costs no id per entity: bounded by N × a position's bytes", () => {
    const room = new RulesRoom({ game: walkers(), roomId: 'h', clock: new ManualClock(0) });
    // Long ids (36 characters, a UUID's length): each would be 37 bytes of every update as a key.
    const ids = Array.from({ length: 100 }, (_, i) => `player-${String(i).padStart(4, '0')}-0123456789abcdef0123`);
    for (const id of ids) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
    const joined = decodeRoomFrame(room.step().frame!);
    // The ids go once, each with its handle, in the frame that first carries the entity.
    expect(Object.keys(joined.n!)).toEqual(ids);
    ids.forEach((id, i) => room.enqueue({ kind: 'command', playerId: id, seq: 1, command: { type: 'go', x: 50 + i / 8, y: 25 } }));
    const moved = room.step().frame!;
    const frame = decodeRoomFrame(moved);
    expect(frame.n).toBeUndefined();
    expect(frame.e).toHaveLength(2 * ids.length);
    // Per entity: a handle (1 byte below 128), `{ x, y }` (1 + 2 × (2 + 5)): 16 bytes; by id it was 52.
    expect(moved.length).toBeLessThanOrEqual(16 * ids.length + 16);
  });

  it('handles given back by the gone are given again; every view follows join, leave, the group and a resume', () => {
    // Radius 50, moves within 25–75: players drift in and out of seeing the whole room (the shared frame).
    const room = new RulesRoom({ game: walkers(50), roomId: 'h', seed: 3, clock: new ManualClock(0) });
    const random = new SeededRandom(11);
    const views = new Map<string, RoomView>();
    let mostPlayers = 0;
    /** Players sent the one shared frame (the same bytes as another's) at some tick, and their own at another. */
    const inGroup = new Set<string>();
    const alone = new Set<string>();
    let serial = 0;
    let seq = 0;
    for (let tick = 1; tick <= 120; tick++) {
      const players = room.players;
      // Churn: someone leaves, someone new joins, every few ticks; the rest wander.
      if (players.length < 12 || tick % 3 === 0) room.enqueue({ kind: 'join', playerId: `w${serial++}`, seq: 0 });
      if (players.length >= 10 && tick % 4 === 0) {
        const gone = players[random.int(0, players.length - 1)]!;
        room.enqueue({ kind: 'leave', playerId: gone, seq: 0 });
        views.delete(gone);
      }
      for (const id of players)
        if (random.next() < 0.6)
          room.enqueue({ kind: 'command', playerId: id, seq: ++seq, command: { type: 'go', x: random.int(25, 75), y: random.int(25, 75) } });
      const out = room.step();
      const sent = [...out.viewFrames!.values()];
      for (const [id, bytes] of out.viewFrames!) {
        (sent.indexOf(bytes) !== sent.lastIndexOf(bytes) ? inGroup : alone).add(id);
        let view = views.get(id);
        // A joiner's first frame is its whole view (a reset): it starts with no handles.
        if (view === undefined) views.set(id, (view = new RoomView()));
        view.apply(decodeRoomFrame(bytes));
      }
      // Now and then one resumes: its full frame starts a fresh handle table on its side.
      if (tick % 10 === 0) {
        const id = room.players[0]!;
        const fresh = new RoomView();
        fresh.apply(decodeRoomFrame(room.fullFrame(id)));
        views.set(id, fresh);
      }
      const entities = room.state.entities as unknown as ReadonlyMap<string, { x: number; y: number }>;
      for (const id of room.players) {
        const me = entities.get(id)!;
        const expected = [...entities]
          .filter(([, e]) => (e.x - me.x) ** 2 + (e.y - me.y) ** 2 <= 2500)
          .map(([other, e]) => [other, { x: rounded(e.x), y: rounded(e.y) }] as const)
          .sort(([a], [b]) => a.localeCompare(b));
        expect([...views.get(id)!.entities].sort(([a], [b]) => a.localeCompare(b))).toEqual(expected);
      }
      mostPlayers = Math.max(mostPlayers, room.players.length);
    }
    // Many more joined over the run than were ever in at once: handles were reused, not counted up.
    expect([...inGroup].filter((id) => alone.has(id)).length).toBeGreaterThan(5);
    expect(serial).toBeGreaterThan(2 * mostPlayers);
    const full = decodeRoomFrame(room.fullFrame());
    expect(Math.max(...Object.values(full.n!))).toBeLessThanOrEqual(mostPlayers);
    const late = new RoomView();
    late.apply(full);
    expect([...late.entities.keys()].sort()).toEqual([...room.state.entities.keys()].sort());
  });

  it('a table gives a freed handle again, only after the entity is gone from the room', () => {
    const handles = new EntityHandles();
    expect([handles.of('a'), handles.of('b'), handles.of('a')]).toEqual([0, 1, 0]);
    handles.prune(new Map([['a', {}], ['b', {}]]));
    expect(handles.of('c')).toBe(2);
    handles.prune(new Map([['a', {}], ['c', {}]]));
    expect(handles.size).toBe(2);
    expect(handles.of('d')).toBe(1);
  });
});
