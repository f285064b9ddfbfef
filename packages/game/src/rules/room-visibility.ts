/**
 * @module What each player of a rules room is sent: the room's state less its `server` fields,
 * less the `owner` fields of entities that are not the player's own, float fields with a `step`
 * rounded to it, and — for a spatial game — only the entities within its view radius; and how a
 * frame of it is encoded. Worked out once per game from its field declarations, so a game that
 * declares none of these pays nothing: it keeps the one shared frame a tick.
 */
import { FLOAT32_OPTIONS, Packr } from 'msgpackr';
import type { Fields } from './fields.ts';
import {
  encodeRoomFrame,
  visibleState,
  type FieldTable,
  type FrameSteps,
  type RoomFrame,
} from './room-delta.ts';
import { spatialViews } from './spatial-grid.ts';
import type { AnyGameRules } from './types.ts';

type Values = Record<string, unknown>;
/** A room's state as frames are computed from it. */
export interface StateLike {
  room: Values;
  entities: Map<string, Values>;
}

/** How a game's state is shown: one frame for all, or one per player. */
export interface RoomVisibility {
  /**
   * Each player gets its own frame (a spatial game, or one with `owner` fields); otherwise every
   * player is sent {@link shared}'s frame.
   */
  readonly perPlayer: boolean;
  /**
   * No `owner` fields: players who see the same entities are sent the same thing (a spatial room
   * sends one shared frame to all who see the whole room).
   */
  readonly uniform: boolean;
  /** What every player sees (used when not {@link perPlayer}). */
  shared(state: StateLike): StateLike;
  /** What `playerId` sees. */
  of(state: StateLike, playerId: string): StateLike;
  /** What each player sees of `state`, for many players of one step (a spatial room's grid built once). */
  views(state: StateLike): (playerId: string) => StateLike;
  /** A frame's bytes: MessagePack, its floats in 32 bits when every float it can carry is stepped (exact then). */
  encode(frame: RoomFrame): Uint8Array;
  /** The fields frames may carry, in declaration order: their indexes are their names on the wire. */
  readonly fields: FieldTable;
  /** The fields' steps: trackers round them before they compare and send (room-delta.ts). */
  readonly steps: FrameSteps;
}

/** A game's field table: its state fields less the `server` ones (no frame carries them, so no index either). */
export function frameFields(game: AnyGameRules): FieldTable {
  const sent = (fields: Fields) =>
    Object.keys(fields).filter((name) => fields[name]!.visibility !== 'server');
  return { r: sent(game.state.room), e: sent(game.state.entity) };
}

const named = (fields: Fields, visibility: string): string[] =>
  Object.keys(fields).filter((name) => fields[name]!.visibility === visibility);

/** Every float field a frame can carry has a step: its values are exact in 32 bits. */
const allFloatsStepped = (fields: Fields): boolean =>
  Object.values(fields).every((f) => f.kind !== 'float' || f.visibility === 'server' || f.step !== undefined);

/**
 * The same frame's MessagePack with every non-integer number in 32 bits (5 bytes, not 9): lossless
 * for the values of stepped fields, which are all such a frame carries. Any MessagePack reader
 * reads it (the SDK's `decodeRoomFrame` among them).
 */
const float32Packr = new Packr({ useRecords: false, moreTypes: false, useFloat32: FLOAT32_OPTIONS.ALWAYS });
const encodeFloat32 = (frame: RoomFrame): Uint8Array => float32Packr.pack(frame);

/**
 * `values` without the fields named in `hidden` (the same object when there are none). One object
 * per entity object: entity objects are replaced, never changed, so an unchanged entity keeps its
 * projection and the delta tracker skips it by identity. `server` fields need none (no frame
 * carries them) and stepped fields are rounded by the tracker (`FrameSteps`): only `owner` fields,
 * hidden from the other players, are projected away.
 */
function projection(hidden: readonly string[]): (values: Values) => Values {
  if (hidden.length === 0) return (values) => values;
  const cache = new WeakMap<Values, Values>();
  return (values) => {
    let out = cache.get(values);
    if (out !== undefined) return out;
    out = {};
    // for…in with an own-key check: Object.keys without its array, for every changed entity a tick.
    for (const k in values) if (Object.hasOwn(values, k) && !hidden.includes(k)) out[k] = values[k];
    cache.set(values, out);
    return out;
  };
}

/** Per field of `names`, the step it is rounded to (0: none). */
function stepsOf(fields: Fields, names: readonly string[]): number[] {
  const steps = names.map((name) => {
    const f = fields[name]!;
    return f.kind === 'float' && f.step !== undefined ? f.step : 0;
  });
  return steps.some((step) => step !== 0) ? steps : [];
}

/** See the module comment. */
export function roomVisibility(game: AnyGameRules): RoomVisibility {
  const entityOwner = named(game.state.entity, 'owner');
  const spatial = game.spatial;
  const forOthers = projection(entityOwner);
  const fields = frameFields(game);

  /** `seen` (what `playerId` is in view of) less the `owner` fields of the others' entities. */
  const project = (seen: StateLike, playerId: string): StateLike => {
    if (entityOwner.length === 0) return seen;
    const entities = new Map<string, Values>();
    for (const [id, e] of seen.entities) entities.set(id, id === playerId ? e : forOthers(e));
    return { room: seen.room, entities };
  };
  const of = (state: StateLike, playerId: string): StateLike =>
    project(spatial === undefined ? state : visibleState(state, playerId, spatial), playerId);
  const views = (state: StateLike): ((playerId: string) => StateLike) => {
    if (spatial === undefined) return (playerId) => project(state, playerId);
    const inView = spatialViews(state, spatial);
    return (playerId) => project(inView(playerId), playerId);
  };
  return {
    perPlayer: spatial !== undefined || entityOwner.length > 0,
    uniform: entityOwner.length === 0,
    // Every player sees every field but the `server` ones, which no frame carries.
    shared: (state) => state,
    of,
    views,
    encode:
      allFloatsStepped(game.state.room) && allFloatsStepped(game.state.entity)
        ? encodeFloat32
        : encodeRoomFrame,
    fields,
    steps: { r: stepsOf(game.state.room, fields.r), e: stepsOf(game.state.entity, fields.e) },
  };
}
