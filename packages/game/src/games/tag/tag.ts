/**
 * @module Tag on the rules API: a real-time game with roles (one player is "it"), scores, a round
 * timer, round end and a new round. Players steer (a direction; the tick moves everyone), the one
 * who is it tags the nearest runner within reach, who becomes it. Spatial: each player sees the
 * others within `viewRadius`; who is it and the scores are room fields, so everyone knows them.
 * Written only against the public rules API: chance from `ctx.random`; time in ticks (`ctx.tick`,
 * `ctx.tickMs`), never wall time, so a round's timer stands still while its room does not step (a
 * failover's gap, a hand-off, a restart) and a replay or a late tick changes nothing.
 */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';
import {
  accept,
  defineGame,
  eachTick,
  field,
  reject,
  type RoomState,
  type RulesContext,
  type Values,
} from '../../rules/index.ts';

/** The most players a tag room holds (the scores are a list by seat). */
export const TAG_MAX_PLAYERS = 8;

export interface TagOptions {
  /** Map size in world units. @default 40 × 30 */
  width?: number;
  height?: number;
  /** How far a player sees others. @default 15 */
  viewRadius?: number;
  /**
   * Units a runner moves per tick (the pace follows the room's tick rate). A late room's step over
   * several ticks moves everyone once per tick it covers (`eachTick`), so lateness never slows
   * the game. @default 0.5
   */
  speedPerTick?: number;
  /** Units the player who is it moves per tick (a little faster, so runners get caught). @default 0.55 */
  itSpeedPerTick?: number;
  /** How close the one who is it must be to tag. @default 1.5 */
  reach?: number;
  /** A round's length. @default 60_000 */
  roundMs?: number;
  /** The pause between two rounds. @default 5_000 */
  intermissionMs?: number;
  /** After a tag, the tagger cannot be tagged back for this long. @default 2_000 */
  tagbackMs?: number;
}

export const TagTagged = defineEvent({
  type: 'game.tag.tagged',
  description: 'In a tag room, the player who was it tagged a runner, who is it now.',
  schema: z.object({ by: z.string(), target: z.string(), round: z.number().int() }),
});

export const TagRoundEnded = defineEvent({
  type: 'game.tag.round.ended',
  description: 'A tag round ran out: who was it at the end, how many tags it held, the scores by seat.',
  schema: z.object({ round: z.number().int(), it: z.string().nullable(), tags: z.number().int(), scores: z.array(z.number().int()) }),
});

/** Points for a tag (to the tagger), and for each runner still running when the round ends. */
export const TAG_POINTS = 1;
export const SURVIVAL_POINTS = 1;

const MAX = Number.MAX_SAFE_INTEGER;

/** Tag with the given rules (the built-in one takes the defaults). */
export function tagGame(options: TagOptions = {}) {
  const o = {
    width: options.width ?? 40,
    height: options.height ?? 30,
    viewRadius: options.viewRadius ?? 15,
    speedPerTick: options.speedPerTick ?? 0.5,
    itSpeedPerTick: options.itSpeedPerTick ?? 0.55,
    reach: options.reach ?? 1.5,
    roundMs: options.roundMs ?? 60_000,
    intermissionMs: options.intermissionMs ?? 5_000,
    tagbackMs: options.tagbackMs ?? 2_000,
  };
  const room = {
    status: field.enum(['waiting', 'playing', 'over']),
    round: field.int(0, MAX),
    /** The seat of the player who is it; 0 for nobody (waiting, or between rounds). */
    it: field.int(0, TAG_MAX_PLAYERS),
    /** The tick at which the round (playing) or the pause (over) ends; 0 while waiting. */
    endsAtTick: field.int(0, MAX),
    /**
     * Whole seconds left of the round or the pause, for display (a client cannot turn a tick into
     * a time); changes once a second, so it costs the delta frames little.
     */
    secondsLeft: field.int(0, MAX),
    /** Tags in this round. */
    tags: field.int(0, MAX),
    /** Points by seat (seat 1 at index 0); a seat's points go when its player leaves. */
    scores: field.ints(TAG_MAX_PLAYERS, 0, MAX),
  };
  const entity = {
    seat: field.int(1, TAG_MAX_PLAYERS),
    x: field.float(0, o.width),
    y: field.float(0, o.height),
    /** The direction the player steers, each -1 … 1 (the client may draw ahead along it). */
    dx: field.float(-1, 1),
    dy: field.float(-1, 1),
    /** Until which tick the one who is it cannot tag this player (it just tagged). */
    safeUntilTick: field.int(0, MAX),
  };
  type State = RoomState<typeof room, typeof entity>;
  type Entity = Values<typeof entity>;

  const seatTaken = (state: State, seat: number): boolean => [...state.entities.values()].some((e) => e.seat === seat);
  const playerAt = (state: State, seat: number): string | undefined =>
    seat === 0 ? undefined : [...state.entities].find(([, e]) => e.seat === seat)?.[0];
  /** The tick `ms` after this one (a duration counted in ticks, at least one). */
  const ticksAfter = (ctx: RulesContext, ms: number): number => ctx.tick + Math.max(1, Math.ceil(ms / ctx.tickMs));
  const secondsUntil = (endsAtTick: number, ctx: RulesContext): number =>
    Math.max(0, Math.ceil(((endsAtTick - ctx.tick) * ctx.tickMs) / 1000));
  const place = (e: Entity, ctx: RulesContext): void => {
    e.x = ctx.random.next() * o.width;
    e.y = ctx.random.next() * o.height;
  };

  /** A new round: everyone scattered by lot, one of them (by lot) it, the timer set. */
  function startRound(state: State, ctx: RulesContext): void {
    const r = state.room;
    const players = [...state.entities.values()];
    for (const e of players) {
      place(e, ctx);
      e.safeUntilTick = 0;
    }
    r.status = 'playing';
    r.round += 1;
    r.tags = 0;
    r.it = players[ctx.random.int(0, players.length - 1)]!.seat;
    r.endsAtTick = ticksAfter(ctx, o.roundMs);
    r.secondsLeft = secondsUntil(r.endsAtTick, ctx);
  }

  function endRound(state: State, ctx: RulesContext): void {
    const r = state.room;
    // Each runner survived the round; the one left it scores nothing for it.
    for (const e of state.entities.values()) if (e.seat !== r.it) r.scores[e.seat - 1]! += SURVIVAL_POINTS;
    ctx.emit(TagRoundEnded, { round: r.round, it: playerAt(state, r.it) ?? null, tags: r.tags, scores: r.scores.slice() });
    r.status = 'over';
    r.it = 0;
    r.endsAtTick = ticksAfter(ctx, o.intermissionMs);
    r.secondsLeft = secondsUntil(r.endsAtTick, ctx);
  }

  function wait(state: State): void {
    state.room.status = 'waiting';
    state.room.it = 0;
    state.room.endsAtTick = 0;
    state.room.secondsLeft = 0;
  }

  /** Moves every player one tick along its direction (a diagonal no faster), within the map. */
  function moveAll(state: State): void {
    for (const e of state.entities.values()) {
      const length = Math.hypot(e.dx, e.dy);
      if (length === 0) continue;
      const speed = e.seat === state.room.it ? o.itSpeedPerTick : o.speedPerTick;
      const scale = speed / Math.max(1, length);
      e.x = Math.min(o.width, Math.max(0, e.x + e.dx * scale));
      e.y = Math.min(o.height, Math.max(0, e.y + e.dy * scale));
    }
  }

  return defineGame({
    name: 'tag',
    // 2: timers in ticks (endsAtTick, secondsLeft, safeUntilTick), were wall-time ms.
    version: 2,
    players: { min: 2, max: TAG_MAX_PLAYERS },
    state: { room, entity },
    commands: {
      move: { dx: field.float(-1, 1), dy: field.float(-1, 1) },
      tag: {},
    },
    reasons: {
      TAG_NOT_PLAYING: 'No round is running (waiting for a second player, or between rounds).',
      TAG_NOT_IT: 'Only the player who is it can tag.',
      TAG_OUT_OF_REACH: 'No runner is within reach.',
      TAG_NO_TAGBACK: 'The only runner within reach just tagged you: it cannot be tagged back yet.',
    },
    events: [TagTagged, TagRoundEnded],
    spatial: { x: 'x', y: 'y', viewRadius: o.viewRadius },

    init: () => ({
      status: 'waiting',
      round: 0,
      it: 0,
      endsAtTick: 0,
      secondsLeft: 0,
      tags: 0,
      scores: new Array<number>(TAG_MAX_PLAYERS).fill(0),
    }),

    join(state, playerId, ctx) {
      let seat = 1;
      while (seatTaken(state, seat)) seat++;
      const e: Entity = { seat, x: 0, y: 0, dx: 0, dy: 0, safeUntilTick: 0 };
      place(e, ctx);
      state.entities.set(playerId, e);
      state.room.scores[seat - 1] = 0;
      // The round starts on the tick (the tick hook runs every transition).
      return accept();
    },

    leave(state, playerId, ctx) {
      const seat = state.entities.get(playerId)!.seat;
      state.entities.delete(playerId);
      state.room.scores[seat - 1] = 0;
      const r = state.room;
      if (r.status !== 'playing') return;
      if (state.entities.size < 2) return wait(state);
      // The one who was it left: another, by lot, is it.
      if (r.it === seat) {
        const others = [...state.entities.values()];
        r.it = others[ctx.random.int(0, others.length - 1)]!.seat;
      }
    },

    command(state, playerId, command, ctx) {
      const me = state.entities.get(playerId)!;
      if (command.type === 'move') {
        me.dx = command.dx;
        me.dy = command.dy;
        return accept();
      }
      const r = state.room;
      if (r.status !== 'playing') return reject('TAG_NOT_PLAYING');
      if (r.it !== me.seat) return reject('TAG_NOT_IT');
      // The nearest runner within reach that may be tagged; one just-tagging is safe a while.
      let target: string | undefined;
      let best = Infinity;
      let onlySafe = false;
      for (const [id, e] of state.entities) {
        if (id === playerId) continue;
        const d = Math.hypot(e.x - me.x, e.y - me.y);
        if (d > o.reach) continue;
        if (e.safeUntilTick > ctx.tick) {
          onlySafe = true;
          continue;
        }
        if (d < best) [best, target] = [d, id];
      }
      if (target === undefined) return reject(onlySafe ? 'TAG_NO_TAGBACK' : 'TAG_OUT_OF_REACH');
      r.it = state.entities.get(target)!.seat;
      r.tags += 1;
      r.scores[me.seat - 1]! += TAG_POINTS;
      me.safeUntilTick = ticksAfter(ctx, o.tagbackMs);
      ctx.emit(TagTagged, { by: playerId, target, round: r.round }, target);
      return accept();
    },

    // Per tick: a late step over N ticks runs this N times, so rounds end and players move exactly
    // as stepped on time (the same state, lots and events; its replay feeds the same N).
    tick: eachTick((state: State, ctx) => {
      const r = state.room;
      const enough = state.entities.size >= 2;
      if (r.status === 'waiting' && enough) startRound(state, ctx);
      else if (r.status === 'playing' && ctx.tick >= r.endsAtTick) endRound(state, ctx);
      else if (r.status === 'over' && ctx.tick >= r.endsAtTick) {
        if (enough) startRound(state, ctx);
        else wait(state);
      } else if (r.status !== 'waiting') r.secondsLeft = secondsUntil(r.endsAtTick, ctx);
      // Between rounds everyone stands still (the last positions stay on screen).
      if (r.status !== 'over') moveAll(state);
    }),

    /**
     * Version 1 timed rounds in wall-time ms, which mean nothing on the tick count: a round or a
     * pause in flight ends at the room's next tick, a tagback protection lapses.
     */
    migrate(plain, fromVersion) {
      if (fromVersion !== 1) throw new RangeError(`tag has no migration from version ${fromVersion}`);
      const { endsAtMs: _ends, ...roomFields } = plain.room;
      return {
        room: { ...roomFields, endsAtTick: 0, secondsLeft: 0 },
        entities: plain.entities.map(([id, { safeUntilMs: _safe, ...e }]) => [id, { ...e, safeUntilTick: 0 }]),
      };
    },
  });
}

/** The built-in tag. */
export const tag = tagGame();
export default tag;
