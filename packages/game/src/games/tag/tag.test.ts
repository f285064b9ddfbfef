import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { checkGame, decodeRoomFrame, RoomView, RulesRoom } from '../../rules/index.ts';
import { tag, tagGame, type TagOptions } from './tag.ts';

const ROUND_MS = 60_000;
const PAUSE_MS = 1_000;
/** The room's tick (the engine's default rate, 20 a second): tag counts its timers in ticks. */
const TICK_MS = 50;

/**
 * A tag room of the engine on a manual clock. Players are put where a test wants them through
 * the game's own commands: `walkTo` steers a player there tick by tick, as a client would.
 */
function court(options: TagOptions = {}, seed = 4) {
  const clock = new ManualClock(1_000_000);
  const game = tagGame({ roundMs: ROUND_MS, intermissionMs: PAUSE_MS, ...options });
  const room = new RulesRoom({ game, roomId: 'tag-1', seed, clock });
  const seqs = new Map<string, number>();
  const send = (id: string, command: unknown): number => {
    const seq = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, seq);
    room.enqueue({ kind: 'command', playerId: id, seq, command });
    return seq;
  };
  const step = (ms = TICK_MS) => {
    clock.advance(ms);
    return room.step();
  };
  /** Steps the room through `ms` of ticks; returns the last step's result. */
  const play = (ms: number) => {
    for (let i = 1; i < ms / TICK_MS; i++) step();
    return step();
  };
  const e = (id: string) => room.state.entities.get(id)!;
  const seatOf = (id: string) => e(id).seat;
  const it = () => [...room.state.entities].find(([, v]) => v.seat === room.state.room.it)?.[0];
  /** Steers `id` to within 0.3 of (x, y), then stops it. */
  const walkTo = (id: string, x: number, y: number) => {
    for (let i = 0; i < 400; i++) {
      const dx = x - e(id).x;
      const dy = y - e(id).y;
      const d = Math.hypot(dx, dy);
      if (d <= 0.3) break;
      send(id, { type: 'move', dx: dx / d, dy: dy / d });
      step();
    }
    send(id, { type: 'move', dx: 0, dy: 0 });
    step();
  };
  const join = (...ids: string[]) => {
    for (const id of ids) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
    return step();
  };
  return { room, clock, send, step, play, e, seatOf, it, walkTo, join };
}

describe('tag - rules', () => {
  it('fits the rules API, spatial', () => {
    expect(checkGame(tag, 'games/tag/tag.ts').spatial).toEqual({ x: 'x', y: 'y', viewRadius: 15 });
  });

  it('waits for a second player, then a round starts with one of them (by lot) it', () => {
    const t = court();
    t.join('ann');
    expect(t.room.state.room).toMatchObject({ status: 'waiting', it: 0, round: 0 });
    t.send('ann', { type: 'tag' });
    expect(t.step().rejections).toEqual([{ playerId: 'ann', seq: 1, reason: 'TAG_NOT_PLAYING' }]);
    t.join('bob');
    expect(t.room.state.room).toMatchObject({
      status: 'playing',
      round: 1,
      endsAtTick: t.room.tick + ROUND_MS / TICK_MS,
      secondsLeft: ROUND_MS / 1000,
    });
    expect(['ann', 'bob']).toContain(t.it());
  });

  it('the lot is the seeded random: the same seed picks the same player, another seed may not', () => {
    const its = [1, 2, 3, 4, 5, 6].map((seed) => {
      const t = court({}, seed);
      t.join('ann', 'bob');
      return t.it();
    });
    const again = court({}, 1);
    again.join('ann', 'bob');
    expect(again.it()).toBe(its[0]);
    expect(new Set(its)).toEqual(new Set(['ann', 'bob']));
  });

  it('a move steers: the tick moves the player along it, no faster on a diagonal, never off the map', () => {
    const t = court({ width: 20, height: 20 });
    t.join('ann', 'bob');
    const runner = t.it() === 'ann' ? 'bob' : 'ann';
    t.walkTo(runner, 10, 10);
    const before = { ...t.e(runner) };
    t.send(runner, { type: 'move', dx: 1, dy: 1 });
    t.step();
    expect(Math.hypot(t.e(runner).x - before.x, t.e(runner).y - before.y)).toBeCloseTo(0.5, 6);
    t.walkTo(runner, 0, 0);
    t.send(runner, { type: 'move', dx: -1, dy: -1 });
    for (let i = 0; i < 5; i++) t.step();
    expect(t.e(runner)).toMatchObject({ x: 0, y: 0 });
  });

  it('tagging: the one who is it tags the nearest runner in reach, who is it now; the tagger scores', () => {
    const t = court({ width: 20, height: 20, reach: 2.5 });
    t.join('ann', 'bob', 'cy');
    const tagger = t.it()!;
    const runners = ['ann', 'bob', 'cy'].filter((id) => id !== tagger);
    t.walkTo(tagger, 10, 10);
    t.walkTo(runners[0]!, 10.5, 10);
    t.walkTo(runners[1]!, 10, 11.3);
    // Both within reach (each stop is within 0.3 of its mark); the nearer one is tagged.
    const distance = (id: string) => Math.hypot(t.e(id).x - t.e(tagger).x, t.e(id).y - t.e(tagger).y);
    for (const id of runners) expect(distance(id)).toBeLessThanOrEqual(2.5);
    const [near] = runners.sort((a, b) => distance(a) - distance(b));
    t.send(tagger, { type: 'tag' });
    const out = t.step();
    expect(out.rejections).toEqual([]);
    expect(t.it()).toBe(near);
    expect(t.room.state.room.tags).toBe(1);
    expect(t.room.state.room.scores[t.seatOf(tagger) - 1]).toBe(1);
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['game.tag.tagged', { by: tagger, target: near, round: 1 }]]);
  });

  it('refuses: a runner tagging, nobody in reach, a tag back at once — each with its reason, nothing changed', () => {
    const t = court({ width: 30, height: 30, tagbackMs: 2_000 });
    t.join('ann', 'bob');
    const first = t.it()!;
    const other = first === 'ann' ? 'bob' : 'ann';
    t.walkTo(first, 5, 5);
    t.walkTo(other, 25, 25);
    const runnerSeq = t.send(other, { type: 'tag' });
    const farSeq = t.send(first, { type: 'tag' });
    expect(t.step().rejections).toEqual([
      { playerId: other, seq: runnerSeq, reason: 'TAG_NOT_IT' },
      { playerId: first, seq: farSeq, reason: 'TAG_OUT_OF_REACH' },
    ]);
    t.walkTo(other, 5, 5.5);
    t.send(first, { type: 'tag' });
    t.step();
    expect(t.it()).toBe(other);
    const before = JSON.stringify(t.room.snapshot().state);
    const backSeq = t.send(other, { type: 'tag' });
    expect(t.step().rejections).toEqual([{ playerId: other, seq: backSeq, reason: 'TAG_NO_TAGBACK' }]);
    expect(JSON.stringify(t.room.snapshot().state)).toBe(before);
    // Once the tagback time is over (in ticks), the tag goes through.
    t.play(2_000 - TICK_MS);
    t.send(other, { type: 'tag' });
    expect(t.step().rejections).toEqual([]);
    expect(t.it()).toBe(first);
  });

  it('a move out of its schema is refused by the decoder before the game sees it', () => {
    const t = court();
    t.join('ann', 'bob');
    t.send('ann', { type: 'move', dx: 2, dy: 0 });
    t.send('ann', { type: 'run' });
    expect(t.step().rejections.map((r) => r.reason)).toEqual(['GAME_MALFORMED', 'GAME_UNKNOWN_COMMAND']);
  });

  it('round end: runners score, the one left it does not; after the pause a new round starts', () => {
    const t = court();
    t.join('ann', 'bob', 'cy');
    const it = t.it()!;
    t.play(ROUND_MS - TICK_MS);
    expect(t.room.state.room).toMatchObject({ status: 'playing', secondsLeft: 1 });
    const over = t.step();
    expect(t.room.state.room).toMatchObject({ status: 'over', it: 0, round: 1 });
    const scores = t.room.state.room.scores;
    for (const id of ['ann', 'bob', 'cy']) expect(scores[t.seatOf(id) - 1]).toBe(id === it ? 0 : 1);
    expect(over.events.map((e) => e.type)).toEqual(['game.tag.round.ended']);
    expect(over.events[0]!.data).toMatchObject({ round: 1, it, tags: 0 });
    // Nobody moves in the pause; tags are refused.
    const at = { ...t.e('ann') };
    t.send('ann', { type: 'move', dx: 1, dy: 0 });
    t.send('ann', { type: 'tag' });
    expect(t.step().rejections.map((r) => r.reason)).toEqual(['TAG_NOT_PLAYING']);
    expect(t.e('ann')).toMatchObject({ x: at.x, y: at.y });
    t.play(PAUSE_MS - TICK_MS);
    expect(t.room.state.room).toMatchObject({ status: 'playing', round: 2, tags: 0 });
    expect(t.room.state.room.it).not.toBe(0);
  });

  it('the one who is it leaving hands it on by lot; down to one player the room waits', () => {
    const t = court();
    t.join('ann', 'bob', 'cy');
    const it = t.it()!;
    t.room.enqueue({ kind: 'leave', playerId: it, seq: 99 });
    t.step();
    expect(t.room.state.room.status).toBe('playing');
    expect(t.it()).toBeDefined();
    expect(t.it()).not.toBe(it);
    const left = t.room.players[0]!;
    t.room.enqueue({ kind: 'leave', playerId: left, seq: 99 });
    t.step();
    expect(t.room.state.room).toMatchObject({ status: 'waiting', it: 0 });
    // A player joining later takes a free seat with no points.
    t.join('dee');
    expect(t.room.state.room.status).toBe('playing');
    expect(t.room.state.room.scores.filter((s) => s > 0)).toEqual([]);
  });
});

describe('tag - interest and frames', () => {
  it('a player sees only the players within its view radius, and every room field', () => {
    const t = court({ width: 40, height: 30, viewRadius: 8 });
    const views = new Map(['ann', 'bob'].map((id) => [id, new RoomView()]));
    const apply = (out: ReturnType<typeof t.step>) => {
      for (const [id, bytes] of out.viewFrames!) views.get(id)!.apply(decodeRoomFrame(bytes));
    };
    apply(t.join('ann', 'bob'));
    const walk = (id: string, x: number, y: number) => {
      // walkTo steps the room itself: catch its frames too by stepping here instead.
      for (let i = 0; i < 400; i++) {
        const dx = x - t.e(id).x;
        const dy = y - t.e(id).y;
        const d = Math.hypot(dx, dy);
        if (d <= 0.3) break;
        t.send(id, { type: 'move', dx: dx / d, dy: dy / d });
        apply(t.step());
      }
      t.send(id, { type: 'move', dx: 0, dy: 0 });
      apply(t.step());
    };
    walk('ann', 2, 2);
    walk('bob', 38, 28);
    expect([...views.get('ann')!.entities.keys()]).toEqual(['ann']);
    expect([...views.get('bob')!.entities.keys()]).toEqual(['bob']);
    expect(views.get('ann')!.room).toEqual(t.room.state.room);
    walk('bob', 6, 4);
    expect(new Set(views.get('ann')!.entities.keys())).toEqual(new Set(['ann', 'bob']));
    expect(views.get('ann')!.entities.get('bob')).toEqual(t.room.state.entities.get('bob'));
  });

  it('a snapshot restores a round in play, the timer and the random included', () => {
    const t = court();
    t.join('ann', 'bob', 'cy');
    t.send('ann', { type: 'move', dx: 1, dy: 0 });
    t.step();
    const copy = RulesRoom.restore(t.room.snapshot(), { game: t.room.game, roomId: 'tag-1', clock: t.clock });
    for (let i = 0; i < (ROUND_MS + PAUSE_MS) / TICK_MS; i++) {
      t.clock.advance(TICK_MS);
      t.room.step();
      copy.step();
    }
    // A new round: positions and who is it drawn by lot from the restored random.
    expect(copy.state.room).toMatchObject({ status: 'playing', round: 2 });
    expect(copy.state.room).toEqual(t.room.state.room);
    expect(Object.fromEntries(copy.state.entities)).toEqual(Object.fromEntries(t.room.state.entities));
  });

  it('the timer counts ticks, not wall time: a room that did not step for a while (a failover) loses none of its round', () => {
    const t = court();
    t.join('ann', 'bob');
    const { endsAtTick } = t.room.state.room;
    t.play(ROUND_MS / 2);
    // The room stood still for longer than the round (its process died; a peer took it over).
    const copy = RulesRoom.restore(t.room.snapshot(), { game: t.room.game, roomId: 'tag-1', clock: t.clock });
    t.clock.advance(2 * ROUND_MS);
    copy.step();
    expect(copy.state.room).toMatchObject({ status: 'playing', round: 1, endsAtTick, secondsLeft: ROUND_MS / 2000 });
    while (copy.state.room.status === 'playing') {
      t.clock.advance(TICK_MS);
      copy.step();
    }
    expect(copy.tick).toBe(endsAtTick);
  });

  it('a snapshot of version 1 (wall-time timers) is migrated: the round in flight ends at the next tick', () => {
    const t = court();
    t.join('ann', 'bob');
    const v2 = t.room.snapshot();
    const { endsAtTick: _t, secondsLeft: _s, ...room } = v2.state.room;
    const v1 = {
      ...v2,
      gameVersion: 1,
      state: {
        room: { ...room, endsAtMs: t.clock.now() + ROUND_MS },
        entities: v2.state.entities.map(([id, { safeUntilTick: _u, ...e }]) => [id, { ...e, safeUntilMs: 0 }]),
      },
    } as typeof v2;
    const copy = RulesRoom.restore(v1, { game: t.room.game, roomId: 'tag-1', clock: t.clock });
    expect(copy.state.room).toMatchObject({ status: 'playing', round: 1, endsAtTick: 0 });
    copy.step();
    expect(copy.state.room).toMatchObject({ status: 'over', round: 1 });
  });
});
