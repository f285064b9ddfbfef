/**
 * @module What a rules handler works on and what is checked before its work is kept: a draft
 * of the room's state (so a refusal or a failure leaves the state as it was), the fields it left
 * against the game's declared types, and the events it emitted against the game's declared ones.
 */
import type { EventDefinition } from '@tickline/kernel';
import { copyValues, valuesProblem, type Fields } from './fields.ts';
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
  /**
   * Copies of entities still at their place in the room's order (read or set): the first in two
   * fields, any more in a Map made when a second is needed. A draft is made for every command, and
   * most read one entity: a Map for it was the largest allocation of a busy arena room's commands.
   */
  #oneId: string | undefined;
  #oneValues: Values | undefined;
  #copies: Map<string, Values> | undefined;
  /**
   * Entities appended: new ids, or ids deleted and set again. Made when first needed, as is
   * `#deleted`.
   */
  #added: Map<string, Values> | undefined;
  /** Ids of the room's own entities deleted. */
  #deleted: Set<string> | undefined;

  constructor(base: Map<string, Values>) {
    super();
    this.#base = base;
  }

  /** The room's Map it drafts. */
  get base(): Map<string, Values> {
    return this.#base;
  }

  /** As new again over the same room Map (its maps emptied, not made again). */
  reset(): void {
    [this.#oneId, this.#oneValues] = [undefined, undefined];
    this.#copies?.clear();
    this.#added?.clear();
    this.#deleted?.clear();
  }

  #inBase(id: string): boolean {
    return this.#deleted?.has(id) !== true && this.#base.has(id);
  }

  #copyOf(id: string): Values | undefined {
    return id === this.#oneId ? this.#oneValues : this.#copies?.get(id);
  }
  #setCopy(id: string, values: Values): void {
    if (this.#oneId === undefined || id === this.#oneId) [this.#oneId, this.#oneValues] = [id, values];
    else (this.#copies ??= new Map()).set(id, values);
  }
  #dropCopy(id: string): void {
    if (id === this.#oneId) [this.#oneId, this.#oneValues] = [undefined, undefined];
    else this.#copies?.delete(id);
  }

  override get(id: string): Values | undefined {
    const added = this.#added?.get(id);
    if (added !== undefined) return added;
    if (!this.#inBase(id)) return undefined;
    let copy = this.#copyOf(id);
    if (copy === undefined) this.#setCopy(id, (copy = copyValues(this.#base.get(id)!)));
    return copy;
  }
  override has(id: string): boolean {
    return this.#added?.has(id) === true || this.#inBase(id);
  }
  override set(id: string, values: Values): this {
    if (this.#added?.has(id) !== true && this.#inBase(id)) this.#setCopy(id, values);
    else (this.#added ??= new Map()).set(id, values);
    return this;
  }
  override delete(id: string): boolean {
    if (this.#added?.delete(id) === true) return true;
    if (!this.#inBase(id)) return false;
    (this.#deleted ??= new Set()).add(id);
    this.#dropCopy(id);
    return true;
  }
  override clear(): void {
    const deleted = (this.#deleted ??= new Set());
    for (const id of this.#base.keys()) deleted.add(id);
    [this.#oneId, this.#oneValues] = [undefined, undefined];
    this.#copies?.clear();
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

  /**
   * The first entity the handler read, set or added (the only ones that may have changed) that
   * `fields` refuse, as a message; undefined when none is refused.
   */
  touchedProblem(fields: Fields): string | undefined {
    if (this.#oneId !== undefined) {
      const p = valuesProblem(fields, this.#oneValues!);
      if (p !== undefined) return entityProblem(this.#oneId, p);
    }
    return entitiesProblem(fields, this.#copies) ?? entitiesProblem(fields, this.#added);
  }

  /** Applies the draft's changes to the room's own Map (never to an entity object: those are replaced). */
  commit(): void {
    const base = this.#base;
    if (this.#deleted !== undefined) for (const id of this.#deleted) base.delete(id);
    if (this.#oneId !== undefined) base.set(this.#oneId, this.#oneValues!);
    if (this.#copies !== undefined) for (const [id, v] of this.#copies) base.set(id, v);
    if (this.#added !== undefined) for (const [id, v] of this.#added) base.set(id, v);
  }
}

function entityProblem(id: string, problem: string): string {
  return `left an invalid entity ${id.slice(0, 64)} field ${problem}`;
}

/** The first of `entities` that `fields` refuse, as a message; undefined when none is (or no map). */
function entitiesProblem(fields: Fields, entities: Map<string, Values> | undefined): string | undefined {
  if (entities !== undefined)
    for (const [id, values] of entities) {
      const p = valuesProblem(fields, values);
      if (p !== undefined) return entityProblem(id, p);
    }
  return undefined;
}

/** A handler's working copy of the room's state: what it may change, checked before it is kept. */
export class Draft {
  /** What the handler is given. */
  readonly state: State;
  readonly #entities: EntitiesDraft;

  constructor(state: State) {
    this.#entities = new EntitiesDraft(state.entities as Map<string, Values>);
    this.state = { room: copyValues(state.room as Values), entities: this.#entities } as State;
  }

  /**
   * Drafts `state` again when its entities are the Map this draft was made over (a room's stay the
   * same unless a handler replaced them): false, and unchanged, otherwise. The handler before
   * is done with it — handlers keep nothing of their state between calls.
   */
  reset(state: State): boolean {
    if (this.#entities.base !== state.entities) return false;
    this.#entities.reset();
    const draft = this.state as { room: Values; entities: Map<string, Values> };
    draft.room = copyValues(state.room as Values);
    draft.entities = this.#entities;
    return true;
  }

  /** The first field the handler left that its game's declared types refuse, as a message; none: valid. */
  problem(game: AnyGameRules): string | undefined {
    const draft = this.state;
    const room = valuesProblem(game.state.room, draft.room as Values);
    if (room !== undefined) return `left an invalid room field ${room}`;
    const fields = game.state.entity;
    if (draft.entities === this.#entities) return this.#entities.touchedProblem(fields);
    // A handler that put another Map in place of the draft's is checked whole.
    return entitiesProblem(fields, draft.entities as Map<string, Values>);
  }

  /** Makes the draft the room's state: `into`'s entities Map is changed in place, its room replaced. */
  keep(into: State): void {
    const draft = this.state;
    into.room = draft.room;
    if (draft.entities === this.#entities) return this.#entities.commit();
    into.entities = new Map(draft.entities);
  }
}

/**
 * A draft of `state`: the room's fields copied, its entities copied on first read. The room's
 * entity objects are never changed in place (a kept change replaces the object), which is what lets
 * the delta tracker skip an entity whose object is the one it last sent. `reuse`, a draft of the
 * same room whose handler returned, is reset rather than a new one made: a draft is made for every
 * command, and its Map (a Map subclass has its own table) was a busy room's largest allocation.
 */
export function draftOf(state: State, reuse?: Draft): Draft {
  return reuse?.reset(state) === true ? reuse : new Draft(state);
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
