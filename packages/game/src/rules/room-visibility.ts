/**
 * @module What each player of a rules room is sent: the room's state less its `server` fields,
 * less the `owner` fields of entities that are not the player's own, and — for a spatial game —
 * only the entities within its view radius. Worked out once per game from its field declarations,
 * so a game that declares none of these pays nothing: it keeps the one shared frame a tick.
 */
import type { Fields } from './fields.ts';
import { visibleState } from './room-delta.ts';
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
}

const named = (fields: Fields, visibility: string): string[] =>
  Object.keys(fields).filter((name) => fields[name]!.visibility === visibility);

/**
 * `values` without the fields named in `hidden` (the same object when there are none). One object
 * per entity object and list: entity objects are replaced, never changed, so an unchanged entity
 * keeps its projection and the delta tracker skips it by identity.
 */
function projection(hidden: readonly string[]): (values: Values) => Values {
  if (hidden.length === 0) return (values) => values;
  const cache = new WeakMap<Values, Values>();
  return (values) => {
    let out = cache.get(values);
    if (out !== undefined) return out;
    out = {};
    for (const k of Object.keys(values)) if (!hidden.includes(k)) out[k] = values[k];
    cache.set(values, out);
    return out;
  };
}

/** See the module comment. */
export function roomVisibility(game: AnyGameRules): RoomVisibility {
  const roomServer = named(game.state.room, 'server');
  const entityServer = named(game.state.entity, 'server');
  const entityOwner = named(game.state.entity, 'owner');
  const othersHidden = [...entityServer, ...entityOwner];
  const spatial = game.spatial;
  const filtered = roomServer.length > 0 || othersHidden.length > 0;
  const withoutRoom = projection(roomServer);
  const forAll = projection(entityServer);
  const forOthers = projection(othersHidden);

  const shared = (state: StateLike): StateLike => {
    if (!filtered) return state;
    const entities = new Map<string, Values>();
    for (const [id, e] of state.entities) entities.set(id, forAll(e));
    return { room: withoutRoom(state.room), entities };
  };
  const of = (state: StateLike, playerId: string): StateLike => {
    const seen = spatial === undefined ? state : visibleState(state, playerId, spatial);
    if (!filtered) return seen;
    const entities = new Map<string, Values>();
    for (const [id, e] of seen.entities) entities.set(id, id === playerId ? forAll(e) : forOthers(e));
    return { room: withoutRoom(seen.room), entities };
  };
  return {
    perPlayer: spatial !== undefined || entityOwner.length > 0,
    uniform: entityOwner.length === 0,
    shared,
    of,
  };
}
