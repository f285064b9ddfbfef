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
  /** What every player sees (used when not {@link perPlayer}). */
  shared(state: StateLike): StateLike;
  /** What `playerId` sees. */
  of(state: StateLike, playerId: string): StateLike;
}

const named = (fields: Fields, visibility: string): string[] =>
  Object.keys(fields).filter((name) => fields[name]!.visibility === visibility);

/** `values` without the fields named in `hidden` (the same object when there are none). */
function without(values: Values, hidden: readonly string[]): Values {
  if (hidden.length === 0) return values;
  const out: Values = {};
  for (const k of Object.keys(values)) if (!hidden.includes(k)) out[k] = values[k];
  return out;
}

/** See the module comment. */
export function roomVisibility(game: AnyGameRules): RoomVisibility {
  const roomServer = named(game.state.room, 'server');
  const entityServer = named(game.state.entity, 'server');
  const entityOwner = named(game.state.entity, 'owner');
  const othersHidden = [...entityServer, ...entityOwner];
  const spatial = game.spatial;
  const filtered = roomServer.length > 0 || othersHidden.length > 0;

  const shared = (state: StateLike): StateLike => {
    if (!filtered) return state;
    const entities = new Map<string, Values>();
    for (const [id, e] of state.entities) entities.set(id, without(e, entityServer));
    return { room: without(state.room, roomServer), entities };
  };
  const of = (state: StateLike, playerId: string): StateLike => {
    const seen = spatial === undefined ? state : visibleState(state, playerId, spatial);
    if (!filtered) return seen;
    const entities = new Map<string, Values>();
    for (const [id, e] of seen.entities)
      entities.set(id, without(e, id === playerId ? entityServer : othersHidden));
    return { room: without(seen.room, roomServer), entities };
  };
  return { perPlayer: spatial !== undefined || entityOwner.length > 0, shared, of };
}
