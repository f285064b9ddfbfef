/**
 * @module What a rules handler works on and what is checked before its work is kept: a draft
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

type Values = Record<string, unknown>;

/**
 * The entities as a handler sees them: a Map over the room's own that copies an entity the first
 * time the handler reads it (lists too) and records sets and deletes, so a command that touches one
 * entity costs one copy, not one per entity in the room. Iteration order is what a copied Map's
 * would be: the room's order without the deleted, then the added in the order they were set.
 */
class EntitiesDraft extends Map<string, Values> {
  readonly #base: Map<string, Values>;
  /** Copies of entities still at their place in the room's order (read or set). */
  readonly #copies = new Map<string, Values>();
  /**
   * Entities appended: new ids, or ids deleted and set again. Made when first needed, as is
   * `#deleted`: a draft is made for every command, and most only change an entity they read.
   */
  #added: Map<string, Values> | undefined;
  /** Ids of the room's own entities deleted. */
  #deleted: Set<string> | undefined;

  constructor(base: Map<string, Values>) {
    super();
    this.#base = base;
  }

  #inBase(id: string): boolean {
    return this.#deleted?.has(id) !== true && this.#base.has(id);
  }

  override get(id: string): Values | undefined {
    const added = this.#added?.get(id);
    if (added !== undefined) return added;
    if (!this.#inBase(id)) return undefined;
    let copy = this.#copies.get(id);
    if (copy === undefined) this.#copies.set(id, (copy = copyValues(this.#base.get(id)!)));
    return copy;
  }
  override has(id: string): boolean {
    return this.#added?.has(id) === true || this.#inBase(id);
  }
  override set(id: string, values: Values): this {
    if (this.#added?.has(id) !== true && this.#inBase(id)) this.#copies.set(id, values);
    else (this.#added ??= new Map()).set(id, values);
    return this;
  }
  override delete(id: string): boolean {
    if (this.#added?.delete(id) === true) return true;
    if (!this.#inBase(id)) return false;
    (this.#deleted ??= new Set()).add(id);
    this.#copies.delete(id);
    return true;
  }
  override clear(): void {
    const deleted = (this.#deleted ??= new Set());
    for (const id of this.#base.keys()) deleted.add(id);
    this.#copies.clear();
    this.#added?.clear();
  }
  override get size(): number {
    return this.#base.size - (this.#deleted?.size ?? 0) + (this.#added?.size ?? 0);
  }
  override *entries(): MapIterator<[string, Values]> {
    for (const id of this.#base.keys()) if (this.#deleted?.has(id) !== true) yield [id, this.get(id)!];
    if (this.#added !== undefined) yield* this.#added.entries();
  }
  override *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }
  override *values(): MapIterator<Values> {
    for (const [, v] of this.entries()) yield v;
  }
  override [Symbol.iterator](): MapIterator<[string, Values]> {
    return this.entries();
  }
  override forEach(
    fn: (value: Values, key: string, map: Map<string, Values>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, v] of this.entries()) fn.call(thisArg, v, id, this);
  }

  /** The entities the handler read, set or added: the only ones that may have changed. */
  *touched(): Iterable<[string, Values]> {
    yield* this.#copies;
    if (this.#added !== undefined) yield* this.#added;
  }

  /** Applies the draft's changes to the room's own Map (never to an entity object: those are replaced). */
  commit(): void {
    const base = this.#base;
    if (this.#deleted !== undefined) for (const id of this.#deleted) base.delete(id);
    for (const [id, v] of this.#copies) base.set(id, v);
    if (this.#added !== undefined) for (const [id, v] of this.#added) base.set(id, v);
  }
}

/** A handler's working copy of the room's state: what it may change, checked before it is kept. */
export interface Draft {
  /** What the handler is given. */
  readonly state: State;
  /** The first field the handler left that its game's declared types refuse, as a message; none: valid. */
  problem(game: AnyGameRules): string | undefined;
  /** Makes the draft the room's state: `into`'s entities Map is changed in place, its room replaced. */
  keep(into: State): void;
}

/**
 * A draft of `state`: the room's fields copied, its entities copied on first read. The room's
 * entity objects are never changed in place (a kept change replaces the object), which is what lets
 * the delta tracker skip an entity whose object is the one it last sent.
 */
export function draftOf(state: State): Draft {
  const entities = new EntitiesDraft(state.entities as Map<string, Values>);
  const draft = { room: copyValues(state.room as Values), entities } as State;
  return {
    state: draft,
    problem(game) {
      const room = valuesProblem(game.state.room, draft.room as Values);
      if (room !== undefined) return `left an invalid room field ${room}`;
      // A handler that put another Map in place of the draft's is checked whole.
      const changed =
        draft.entities === entities ? entities.touched() : (draft.entities as Map<string, Values>);
      for (const [id, values] of changed) {
        const p = valuesProblem(game.state.entity, values);
        if (p !== undefined) return `left an invalid entity ${id.slice(0, 64)} field ${p}`;
      }
      return undefined;
    },
    keep(into) {
      into.room = draft.room;
      if (draft.entities === entities) return entities.commit();
      into.entities = new Map(draft.entities);
    },
  };
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
