/**
 * @module The game rules API: what a game is to the engine. A game is plain data (its name,
 * version, state fields, commands, reject reasons, events) plus pure, deterministic handlers. The
 * engine owns everything else: the tick, queues, drafts, delta frames, snapshots, events.
 */
import type { EventDefinition } from '@tickline/kernel';
import type { Fields, Values } from './fields.ts';

/** A seeded source of randomness: the same seed and calls give the same numbers on every replay. */
export interface GameRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in `min` … `max` (inclusive). */
  int(min: number, max: number): number;
}

/** A room's state as handlers see it: the room's fields and one record per entity (by id). */
export interface RoomState<R extends Fields, E extends Fields> {
  room: Values<R>;
  entities: Map<string, Values<E>>;
}

/** A command as handlers receive it: its `type` and its payload, already checked by the decoder. */
export type CommandOf<C extends CommandSpecs> = {
  [K in keyof C & string]: { type: K } & Values<C[K]>;
}[keyof C & string];

/** Each command's payload fields, by command type. */
export type CommandSpecs = Readonly<Record<string, Fields>>;

/** What handlers get besides the state: the tick, its clock and randomness, and a way to emit events. */
export interface RulesContext {
  /** The room the handler runs in (events name it; the game decides nothing by it). */
  readonly roomId: string;
  /**
   * The room's tick being computed. In `tick`, the last tick this step covers (see `ticks`); in
   * `join`, `leave` and `command`, the first: a late step is its inputs, then its ticks one by one.
   */
  readonly tick: number;
  /**
   * How many ticks this step covers: 1 on time; N when the room's loop ran late and steps once over
   * the N ticks that elapsed (`ctx.tick - N + 1` … `ctx.tick`), so its tick count stays on wall
   * time. Only `tick` sees N > 1 (inputs see 1). A `tick` handler that advances the game per tick
   * (moves, physics) must advance it N times — `eachTick` does — or integrate over `elapsedMs`;
   * one that ignores it advances one tick a step, and a late room then runs slow.
   */
  readonly ticks: number;
  /** The game time this step covers, ms: `ticks × tickMs`. */
  readonly elapsedMs: number;
  /** The sequence number of the join, leave or command being handled (0 in `init` and `tick`). */
  readonly seq: number;
  /** The tick's time, ms since the epoch (from the engine's clock; the same for every handler of a tick). */
  readonly nowMs: number;
  /**
   * The room's tick length, ms (1000 / its tick rate): what a tick stands for in game time. Count
   * timers in ticks × `tickMs`, not by `nowMs` differences, and a replay or a slow tick changes nothing.
   */
  readonly tickMs: number;
  /** The room's players, in join order. */
  readonly players: readonly string[];
  readonly random: GameRandom;
  /**
   * Records a domain event (published fire-and-forget after the tick, like the engine's own). An
   * event emitted by a handler whose command is then rejected, or that throws, is dropped.
   * `event` must be one of the game's declared `events`.
   */
  emit<T>(event: EventDefinition<T>, data: T, subject?: string): void;
}

/** A handler's verdict on a join or a command. */
export type Decision =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: string; readonly keep?: boolean };

/** The command is applied: the handler's changes to the state and its events are kept. */
export const accept = (): Decision => ACCEPTED;
const ACCEPTED: Decision = Object.freeze({ accepted: true });

/**
 * The command is refused with one of the game's `reasons`: its changes and events are dropped —
 * unless `keep`, for bookkeeping that must count refused commands too (a rate window): then its
 * changes stay (its events are still dropped).
 */
export const reject = (reason: string, options: { keep?: boolean } = {}): Decision =>
  options.keep ? { accepted: false, reason, keep: true } : { accepted: false, reason };

/**
 * Spatial games opt into the engine's interest management: each entity's position is read from
 * the two named fields, and a player sees the entities within `viewRadius` of its own.
 */
export interface SpatialOptions<E extends Fields> {
  x: keyof E & string;
  y: keyof E & string;
  viewRadius: number;
}

/**
 * A game. Handlers are pure and deterministic: they read and change only the state they are given,
 * use `ctx.random` and `ctx.nowMs` for chance and time, and do no I/O. A handler that throws, or
 * runs past the room's per-tick budget, has its changes dropped and the command is rejected with
 * `GAME_RULES_ERROR`.
 */
export interface GameRules<
  R extends Fields = Fields,
  E extends Fields = Fields,
  C extends CommandSpecs = CommandSpecs,
> {
  /** Lower-case, digits and dashes, at most 32 characters: `connect-four`. */
  readonly name: string;
  /** A positive integer, bumped when the state or the commands change shape. */
  readonly version: number;
  /** Players a room of this game holds. */
  readonly players: { readonly min: number; readonly max: number };
  /**
   * Ticks a second of this game's rooms (1…120): a turn-based game needs few, an action game many.
   * @default the server's `game.tickRateHz`
   */
  readonly tickRateHz?: number;
  readonly state: { readonly room: R; readonly entity: E };
  readonly commands: C;
  /** Reject reason codes the handlers may return (upper case, game-prefixed), each with its meaning. */
  readonly reasons: Readonly<Record<string, string>>;
  /** Domain events the handlers may emit. */
  readonly events?: readonly EventDefinition<any>[];
  /** Opt into interest management (spatial games); without it every player sees the whole room. */
  readonly spatial?: SpatialOptions<E>;
  /** The room's initial fields. */
  init(ctx: RulesContext): Values<R>;
  /** A player asks to join: add its entity and accept, or reject. */
  join(state: RoomState<R, E>, playerId: string, ctx: RulesContext): Decision;
  /** A player left (it cannot be refused); the engine removes its entity afterwards if still there. */
  leave(state: RoomState<R, E>, playerId: string, ctx: RulesContext): void;
  /** A player's command, already decoded against its schema: validate, then apply or reject. */
  command(state: RoomState<R, E>, playerId: string, command: CommandOf<C>, ctx: RulesContext): Decision;
  /**
   * Called once per step after the step's inputs. A step covers `ctx.ticks` ticks (more than one
   * when the room ran late): wrap a handler written for one tick in `eachTick`.
   */
  tick?(state: RoomState<R, E>, ctx: RulesContext): void;
  /**
   * Turns the state of a snapshot taken by an older version of this game into this version's.
   * Without it, such a snapshot is refused with `GAME_RULES_VERSION`.
   */
  migrate?(state: PlainRoomState, fromVersion: number): PlainRoomState;
}

/** A room's state as plain data (snapshots, migrations). */
export interface PlainRoomState {
  room: Record<string, unknown>;
  entities: [string, Record<string, unknown>][];
}

/** Any game, for the engine's side (which knows no game's types). */
export type AnyGameRules = GameRules<any, any, any>;

/**
 * Declares a game; only gives TypeScript the types to infer, so handlers see typed state and commands.
 * @example
 * export default defineGame({ name: 'tag', version: 1, state: { room: {}, entity: { it: field.bool() } }, … });
 */
export function defineGame<R extends Fields, E extends Fields, C extends CommandSpecs>(
  game: GameRules<R, E, C>,
): GameRules<R, E, C> {
  return game;
}

/**
 * Makes a `tick` handler written for one tick exact over a late step: it runs once per tick the
 * step covers, oldest first, each call seeing that tick as `ctx.tick` (`ticks` 1, `elapsedMs` one
 * tick's). State, chance and events then come out as if every tick had been stepped on time (the
 * step's inputs were applied at its first tick, as on time they would have been), on the live
 * room and on its replay alike, since the journal replays each step over its count.
 * @example
 * tick: eachTick((state, ctx) => { for (const e of state.entities.values()) e.x += e.vx; }),
 */
export function eachTick<S>(handler: (state: S, ctx: RulesContext) => void): (state: S, ctx: RulesContext) => void {
  return (state, ctx) => {
    // A context made by hand (a game's own tests) may lack `ticks`: one tick.
    const ticks = ctx.ticks ?? 1;
    if (ticks <= 1) return handler(state, ctx);
    const one = ctx.tickMs;
    for (let tick = ctx.tick - ticks + 1; tick <= ctx.tick; tick++)
      handler(state, Object.create(ctx, { tick: { value: tick }, ticks: { value: 1 }, elapsedMs: { value: one } }));
  };
}
