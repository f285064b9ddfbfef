/**
 * @module What a rules handler works on and what is checked before its work is kept: a draft copy
 * of the room's state (so a refusal or a failure leaves the state as it was), the fields it left
 * against the game's declared types, and the events it emitted against the game's declared ones.
 */
import type { EventDefinition } from '@tickline/kernel';
import { copyValues, valuesProblem } from './fields.ts';
import type { AnyGameRules, RoomState } from './types.ts';

export type State = RoomState<any, any>;

/** An event a handler emitted, published once the tick's work is kept. */
export interface PendingEvent {
  definition: EventDefinition<any>;
  data: unknown;
  subject: string;
}

/** Copies the state so a handler can change the copy; lists are copied too. */
export function draftOf(state: State): State {
  const entities = new Map<string, Record<string, unknown>>();
  for (const [id, v] of state.entities) entities.set(id, copyValues(v as Record<string, unknown>));
  return { room: copyValues(state.room as Record<string, unknown>), entities } as State;
}

/** The first field of `draft` its game's declared types refuse, as a message; none: valid. */
export function stateProblem(game: AnyGameRules, draft: State): string | undefined {
  const room = valuesProblem(game.state.room, draft.room as Record<string, unknown>);
  if (room !== undefined) return `left an invalid room field ${room}`;
  for (const [id, values] of draft.entities) {
    const p = valuesProblem(game.state.entity, values as Record<string, unknown>);
    if (p !== undefined) return `left an invalid entity ${id.slice(0, 64)} field ${p}`;
  }
  return undefined;
}

/** The first of `pending` from `from` on that the game did not declare or whose data is invalid. */
export function eventProblem(
  game: AnyGameRules,
  pending: readonly PendingEvent[],
  from: number,
): string | undefined {
  for (let i = from; i < pending.length; i++) {
    const e = pending[i]!;
    if (!(game.events ?? []).includes(e.definition)) return `emitted undeclared event ${e.definition.type}`;
    if (!e.definition.schema.safeParse(e.data).success) return `emitted an invalid ${e.definition.type}`;
  }
  return undefined;
}
