import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { field } from './fields.ts';
import { SeededRandom } from './random.ts';
import { decodeRoomFrame, RoomView } from './room-delta.ts';
import { RulesRoom } from './rules-room.ts';
import { accept, defineGame } from './types.ts';

/** Walkers on a 100 × 100 plane who may go anywhere; they see 20 units around them. */
const walkers = defineGame({
  name: 'walkers',
  version: 1,
  players: { min: 1, max: 16 },
  state: { room: { moves: field.int(0, 1e9) }, entity: { x: field.float(0, 100), y: field.float(0, 100) } },
  commands: { go: { x: field.float(0, 100), y: field.float(0, 100) } },
  reasons: {},
  spatial: { x: 'x', y: 'y', viewRadius: 20 },
  init: () => ({ moves: 0 }),
  join(state, playerId, ctx) {
    state.entities.set(playerId, { x: ctx.random.int(0, 100), y: ctx.random.int(0, 100) });
    return accept();
  },
  leave() {},
  command(state, playerId, command) {
    state.entities.set(playerId, { x: command.x, y: command.y });
    state.room.moves += 1;
    return accept();
  },
});

describe('rules room - interest for spatial games', () => {
  it("each player's frames show exactly the entities within its view radius, tick after tick", () => {
    const room = new RulesRoom({ game: walkers, roomId: 'w', seed: 5, clock: new ManualClock(0) });
    const random = new SeededRandom(9);
    const ids = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const views = new Map(ids.map((id) => [id, new RoomView()]));
    const seq = new Map(ids.map((id) => [id, 0]));
    let seenSome = 0;
    let missedSome = 0;
    for (let tick = 1; tick <= 60; tick++) {
      for (const id of ids) {
        if (tick === 1) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
        else if (id === 'p7' && tick === 30) room.enqueue({ kind: 'leave', playerId: id, seq: 99 });
        else if (room.players.includes(id) && random.next() < 0.5) {
          const s = seq.get(id)! + 1;
          seq.set(id, s);
          room.enqueue({ kind: 'command', playerId: id, seq: s, command: { type: 'go', x: random.int(0, 100), y: random.int(0, 100) } });
        }
      }
      const out = room.step();
      expect(out.frame).toBeUndefined();
      for (const [id, bytes] of out.viewFrames!) views.get(id)!.apply(decodeRoomFrame(bytes));
      for (const id of room.players) {
        const me = room.state.entities.get(id)!;
        const expected = [...room.state.entities]
          .filter(([, e]) => (e.x - me.x) ** 2 + (e.y - me.y) ** 2 <= 400)
          .map(([other, e]) => [other, { ...e }] as const);
        const seen = [...views.get(id)!.entities].sort(([a], [b]) => a.localeCompare(b));
        expect(seen).toEqual(expected.sort(([a], [b]) => a.localeCompare(b)));
        expect(views.get(id)!.room).toEqual(room.state.room);
        if (expected.length > 1) seenSome++;
        if (expected.length < room.players.length) missedSome++;
      }
    }
    // The walk put players both in and out of each other's view.
    expect(seenSome).toBeGreaterThan(10);
    expect(missedSome).toBeGreaterThan(10);
  });

  it('a resuming player gets its whole view again, and deltas continue from it', () => {
    const room = new RulesRoom({ game: walkers, roomId: 'w', seed: 5, clock: new ManualClock(0) });
    room.enqueue({ kind: 'join', playerId: 'a', seq: 0 });
    room.enqueue({ kind: 'join', playerId: 'b', seq: 0 });
    room.step();
    const view = new RoomView();
    view.apply(decodeRoomFrame(room.fullFrame('a')));
    expect(view.entities.has('a')).toBe(true);
    room.enqueue({ kind: 'command', playerId: 'b', seq: 1, command: { type: 'go', x: room.state.entities.get('a')!.x, y: 0 } });
    room.enqueue({ kind: 'command', playerId: 'a', seq: 1, command: { type: 'go', x: room.state.entities.get('a')!.x, y: 1 } });
    const out = room.step();
    view.apply(decodeRoomFrame(out.viewFrames!.get('a')!));
    expect(Object.fromEntries(view.entities)).toEqual(Object.fromEntries(room.state.entities));
  });
});
