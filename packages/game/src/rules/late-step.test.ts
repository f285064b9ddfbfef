/**
 * A late room's one step over N ticks (issue 51) is what the same N ticks stepped one by one give:
 * the step's inputs at its first tick, then the game's `tick` over every tick it covers. A game
 * that ignores `ctx.ticks` keeps its one call a step; one written per tick wraps it in `eachTick`.
 */
import { ManualClock, type EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { tagGame } from '../games/tag/tag.ts';
import { field } from './fields.ts';
import { RulesRoom } from './rules-room.ts';
import { accept, defineGame, eachTick, type AnyGameRules, type RulesContext } from './types.ts';

const TICK_MS = 50;

/** A game whose handlers write down the context they saw (tests only: a game keeps no such log). */
function recorder(seen: { hook: string; tick: number; ticks: number; elapsedMs: number }[], perTick: boolean) {
  const note = (hook: string, ctx: RulesContext) =>
    void seen.push({ hook, tick: ctx.tick, ticks: ctx.ticks, elapsedMs: ctx.elapsedMs });
  const tick = (state: { room: { n: number } }, ctx: RulesContext) => {
    note('tick', ctx);
    state.room.n += 1;
  };
  return defineGame({
    name: 'recorder',
    version: 1,
    players: { min: 1, max: 2 },
    state: { room: { n: field.int(0, 1000) }, entity: {} },
    commands: { poke: {} },
    reasons: {},
    init: () => ({ n: 0 }),
    join(state, playerId, ctx) {
      note('join', ctx);
      state.entities.set(playerId, {});
      return accept();
    },
    leave() {},
    command(_state, _playerId, _command, ctx) {
      note('command', ctx);
      return accept();
    },
    tick: perTick ? eachTick(tick) : tick,
  });
}

/** Tag on a court so small every runner is within reach, with rounds and pauses a few ticks long. */
const smallTag = () =>
  tagGame({ width: 3, height: 3, reach: 10, roundMs: 6 * TICK_MS, intermissionMs: 3 * TICK_MS, tagbackMs: 2 * TICK_MS });

/** Two rooms of `game` with the same seed and clock, and a way to give both the same inputs. */
function twins(game: AnyGameRules) {
  const clock = new ManualClock(1_000_000);
  const make = () => new RulesRoom({ game, roomId: 'late', seed: 9, clock });
  const rooms = [make(), make()] as const;
  let seq = 0;
  const input = (playerId: string, command: unknown) => {
    seq++;
    for (const room of rooms) room.enqueue({ kind: 'command', playerId, seq, command });
  };
  const join = (playerId: string) => {
    for (const room of rooms) room.enqueue({ kind: 'join', playerId, seq: 0 });
  };
  return { clock, rooms, input, join };
}

/** What a step published, without what names the step itself (ids, times). */
const published = (events: EventEnvelope[]) => events.map((e) => [e.type, e.subject, e.data]);

describe('rules room - a late step over several ticks', () => {
  it('tells the tick handler how many ticks it covers; inputs see the first of them', () => {
    const seen: { hook: string; tick: number; ticks: number; elapsedMs: number }[] = [];
    const room = new RulesRoom({ game: recorder(seen, false), roomId: 'r', tickRateHz: 1000 / TICK_MS });
    room.enqueue({ kind: 'join', playerId: 'ann', seq: 0 });
    room.step();
    room.enqueue({ kind: 'command', playerId: 'ann', seq: 1, command: { type: 'poke' } });
    room.step(4);
    expect(seen).toEqual([
      { hook: 'join', tick: 1, ticks: 1, elapsedMs: TICK_MS },
      { hook: 'tick', tick: 1, ticks: 1, elapsedMs: TICK_MS },
      { hook: 'command', tick: 2, ticks: 1, elapsedMs: TICK_MS },
      { hook: 'tick', tick: 5, ticks: 4, elapsedMs: 4 * TICK_MS },
    ]);
    // A game that ignores the count keeps one call a step (as before the count existed).
    expect(room.state.room.n).toBe(2);
    expect(() => room.step(0)).toThrow(RangeError);
    expect(room.tick).toBe(5);
  });

  it("a late step's tick handler has a budget per tick it covers", () => {
    let now = 0;
    /** A room whose game's tick takes `ms` of the test's timer per tick; one failure closes it. */
    const room = (ms: number) =>
      new RulesRoom({
        game: { ...recorder([], false), tick: eachTick(() => void (now += ms)) },
        roomId: 'r',
        timer: () => now,
        handlerBudgetMs: 10,
        maxConsecutiveFailures: 1,
      });
    // 5 ticks of 8 ms: over one tick's budget, within five.
    const within = room(8);
    expect(within.step(5).closed).toBeUndefined();
    expect(within.closed).toBe(false);
    expect(room(11).step(3).closed).toMatchObject({ code: 'GAME_RULES_ERROR' });
  });

  it('eachTick runs a handler written for one tick once per tick, each seeing its own', () => {
    const seen: { hook: string; tick: number; ticks: number; elapsedMs: number }[] = [];
    const room = new RulesRoom({ game: recorder(seen, true), roomId: 'r', tickRateHz: 1000 / TICK_MS });
    room.step(3);
    expect(seen).toEqual([1, 2, 3].map((tick) => ({ hook: 'tick', tick, ticks: 1, elapsedMs: TICK_MS })));
    expect(room.state.room.n).toBe(3);
  });

  it('tag: steps of 1…12 ticks give the state, lots and events of the same ticks one by one', () => {
    const { rooms, input, join, clock } = twins(smallTag());
    const [onTime, late] = rooms;
    join('ann');
    join('bob');
    join('cy');
    const eventsOnTime: unknown[] = [];
    const eventsLate: unknown[] = [];
    // Each fold: the inputs queued before it, then N ticks, crossing round ends and new rounds.
    const folds = [1, 7, 3, 12, 1, 5, 9, 2];
    let moves = 0;
    for (const n of folds) {
      for (const id of ['ann', 'bob', 'cy']) {
        const angle = (moves++ * 2.3) % (2 * Math.PI);
        input(id, { type: 'move', dx: Math.cos(angle), dy: Math.sin(angle) });
      }
      // Whoever is it tags (the same player in both rooms, or the rooms have already parted).
      const seat = onTime.state.room.it;
      const it = [...onTime.state.entities].find(([, e]) => e.seat === seat)?.[0];
      if (it !== undefined) input(it, { type: 'tag' });
      clock.advance(n * TICK_MS);
      for (let i = 0; i < n; i++) eventsOnTime.push(...published(onTime.step().events));
      eventsLate.push(...published(late.step(n).events));
      expect(late.snapshot()).toEqual(onTime.snapshot());
    }
    expect(eventsLate).toEqual(eventsOnTime);
    // The run did cross what the folds must get right: tags, round ends, new rounds by lot.
    const types = new Set(eventsOnTime.map((e) => (e as unknown[])[0]));
    expect(types).toEqual(new Set(['game.tag.tagged', 'game.tag.round.ended']));
    expect(late.state.room.round).toBeGreaterThan(2);
  });
});
