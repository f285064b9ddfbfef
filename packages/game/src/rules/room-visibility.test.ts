import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { gameProblem } from './check-game.ts';
import { field } from './fields.ts';
import { decodeRoomFrame, RoomView } from './room-delta.ts';
import { RulesRoom, type RoomInput } from './rules-room.ts';
import { accept, defineGame, reject } from './types.ts';

/**
 * A guessing game with hidden state: the room's secret number is the server's alone, each
 * player's hand is seen by that player only, its score by everyone. `guess` is right or wrong.
 */
const guessing = defineGame({
  name: 'guessing',
  version: 1,
  tickRateHz: 4,
  players: { min: 1, max: 4 },
  state: {
    room: { secret: field.serverOnly(field.int(0, 9)), solved: field.bool(), elapsedMs: field.int(0, 1e9) },
    entity: {
      hand: field.ownerOnly(field.ints(3, 0, 9)),
      score: field.int(0, 99),
      notes: field.serverOnly(field.int(0, 99)),
    },
  },
  commands: { guess: { n: field.int(0, 9) } },
  reasons: { GS_WRONG: 'not the secret' },
  init: (ctx) => ({ secret: ctx.random.int(0, 9), solved: false, elapsedMs: 0 }),
  join(state, playerId, ctx) {
    state.entities.set(playerId, {
      hand: [ctx.random.int(0, 9), ctx.random.int(0, 9), ctx.random.int(0, 9)],
      score: 0,
      notes: 1,
    });
    return accept();
  },
  leave() {},
  command(state, playerId, command) {
    if (command.n !== state.room.secret) return reject('GS_WRONG');
    state.room.solved = true;
    state.entities.get(playerId)!.score += 1;
    return accept();
  },
  tick(state, ctx) {
    state.room.elapsedMs += ctx.tickMs;
  },
});

const join = (playerId: string, seq = 1): RoomInput => ({ kind: 'join', playerId, seq });

function playing() {
  const room = new RulesRoom({ game: guessing, roomId: 'g1', clock: new ManualClock(1_000), seed: 3 });
  room.enqueue(join('a'));
  room.enqueue(join('b'));
  const first = room.step();
  return { room, first };
}

describe('rules room - what each player is sent', () => {
  it('server-only fields reach no frame, owner-only fields only their owner; the room keeps both', () => {
    const { room, first } = playing();
    expect(first.frame).toBeUndefined();
    const views = { a: new RoomView(), b: new RoomView() };
    for (const id of ['a', 'b'] as const) views[id].apply(decodeRoomFrame(first.viewFrames!.get(id)!));
    expect(views.a.room).not.toHaveProperty('secret');
    expect(views.a.entities.get('a')).toEqual({ hand: room.state.entities.get('a')!.hand, score: 0 });
    expect(views.a.entities.get('b')).toEqual({ score: 0 });
    expect(views.b.entities.get('a')).toEqual({ score: 0 });
    expect(views.b.entities.get('b')).toHaveProperty('hand');
    // A joiner's whole view hides the same; the snapshot (server side) keeps everything.
    const reset = decodeRoomFrame(room.fullFrame('b'));
    expect(reset.r).not.toHaveProperty('secret');
    expect(new RoomView().apply(reset).e!['a']).toEqual({ score: 0 });
    const snapshot = room.snapshot();
    expect(snapshot.state.room).toHaveProperty('secret', room.state.room.secret);
    expect(Object.fromEntries(snapshot.state.entities)['a']).toHaveProperty('notes', 1);
  });

  it('a change to a hidden field sends nothing; a visible change goes to everyone who sees it', () => {
    const { room, first } = playing();
    const viewOfB = new RoomView();
    const reset = decodeRoomFrame(first.viewFrames!.get('b')!);
    // The field table names no server-only field: neither its value nor its name is sent.
    expect(reset.f).toEqual({ r: ['solved', 'elapsedMs'], e: ['hand', 'score'] });
    viewOfB.apply(reset);
    const quiet = room.step();
    // Only the tick's timer moved (a visible room field, index 1): the secret never shows.
    for (const bytes of quiet.viewFrames!.values()) {
      const frame = decodeRoomFrame(bytes);
      expect(frame.r).toEqual([0b10, 500]);
      expect(frame.e).toBeUndefined();
    }
    room.enqueue({
      kind: 'command',
      playerId: 'a',
      seq: 2,
      command: { type: 'guess', n: room.state.room.secret },
    });
    const solved = room.step();
    expect(solved.acks).toEqual([{ playerId: 'a', seq: 2 }]);
    const seenByB = viewOfB.apply(decodeRoomFrame(solved.viewFrames!.get('b')!));
    expect(seenByB.r).toMatchObject({ solved: true });
    expect(seenByB.e).toEqual({ a: { score: 1 } });
  });

  it("ctx.tickMs is the game's tick length; the host's rate wins when it gives one", () => {
    const { room } = playing();
    room.step();
    expect(room.state.room.elapsedMs).toBe(500); // two ticks at 4 Hz
    const hosted = new RulesRoom({ game: guessing, roomId: 'g2', clock: new ManualClock(0), tickRateHz: 10 });
    hosted.step();
    expect(hosted.state.room.elapsedMs).toBe(100);
  });
});

describe('rules API - visibility and tick rate checked at load', () => {
  const base = { ...guessing };
  it('accepts the game above', () => expect(gameProblem(base)).toBeUndefined());
  it('refuses owner-only room fields, hidden command fields and a bad tick rate, naming them', () => {
    expect(
      gameProblem({ ...base, state: { ...base.state, room: { x: field.ownerOnly(field.int(0, 1)) } } }),
    ).toBe('state.room.x cannot be owner-only (server here)');
    expect(gameProblem({ ...base, commands: { guess: { n: field.serverOnly(field.int(0, 9)) } } })).toBe(
      'commands.guess.n cannot be server-only',
    );
    expect(gameProblem({ ...base, tickRateHz: 0 })).toBe('tickRateHz must be an integer in 1…120 when given');
    expect(gameProblem({ ...base, tickRateHz: 500 })).toBe(
      'tickRateHz must be an integer in 1…120 when given',
    );
  });

  it('refuses more fields than a frame\'s mask can name; server-only ones do not count', () => {
    const many = (n: number, make = () => field.int(0, 1)) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, make()]));
    expect(gameProblem({ ...base, state: { ...base.state, entity: many(54) } })).toBe(
      'state.entity declares 54 fields frames carry; at most 53 (make some serverOnly)',
    );
    const hidden = { ...many(53), ...Object.fromEntries([['deck', field.serverOnly(field.int(0, 1))]]) };
    expect(gameProblem({ ...base, state: { ...base.state, entity: hidden } })).toBeUndefined();
  });
});
