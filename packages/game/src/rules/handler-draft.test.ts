import { describe, expect, it } from 'vitest';
import { defineGame, field } from './index.ts';
import { draftOf, type State } from './handler-draft.ts';

const game = defineGame({
  name: 'draft-test',
  version: 1,
  players: { min: 1, max: 10 },
  state: { room: { n: field.int(0, 100) }, entity: { v: field.int(0, 100), list: field.ints(2, 0, 9) } },
  commands: {},
  reasons: {},
  init: () => ({ n: 0 }),
  join: () => ({ accepted: true }),
  leave: () => {},
  command: () => ({ accepted: true }),
});

function room(): State {
  const entities = new Map<string, Record<string, unknown>>();
  for (const id of ['a', 'b', 'c']) entities.set(id, { v: 1, list: [1, 2] });
  return { room: { n: 0 }, entities } as State;
}

describe('handler draft - copies what a handler touches', () => {
  it('draft - a kept change replaces the touched entity only; the others stay the same objects', () => {
    const state = room();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => state.entities.get(id));
    const draft = draftOf(state);
    (draft.state.entities.get('b') as { list: number[] }).list[0] = 7;
    expect(state.entities.get('b')).toEqual({ v: 1, list: [1, 2] });
    expect(draft.problem(game)).toBeUndefined();
    draft.keep(state);
    expect(state.entities.get('a')).toBe(a);
    expect(state.entities.get('c')).toBe(c);
    expect(state.entities.get('b')).not.toBe(b);
    expect(state.entities.get('b')).toEqual({ v: 1, list: [7, 2] });
  });

  it('draft - deletes and sets iterate and keep in the order a copied Map would have', () => {
    const state = room();
    const copy = new Map(state.entities);
    const draft = draftOf(state);
    for (const map of [draft.state.entities, copy] as Map<string, unknown>[]) {
      map.delete('a');
      map.set('d', { v: 2, list: [0, 0] });
      map.set('a', { v: 3, list: [0, 0] });
      map.set('c', { v: 4, list: [0, 0] });
      map.delete('zz');
    }
    expect([...draft.state.entities.keys()]).toEqual([...copy.keys()]);
    expect(draft.state.entities.size).toBe(copy.size);
    draft.keep(state);
    expect([...state.entities.entries()]).toEqual([...copy.entries()]);
  });

  it('draft - an invalid field left on a touched entity is found; a draft not kept changes nothing', () => {
    const state = room();
    const draft = draftOf(state);
    (draft.state.entities.get('c') as { v: number }).v = 1000;
    expect(draft.problem(game)).toMatch(/entity c field v/);
    expect(state.entities.get('c')).toEqual({ v: 1, list: [1, 2] });
  });

  it('draft - reused for the next handler, it starts from the state: nothing of the last one carries over', () => {
    const state = room();
    const first = draftOf(state);
    // A refused handler's work, not kept: deletes, adds, changes to an entity and the room.
    first.state.entities.delete('a');
    first.state.entities.set('z', { v: 9, list: [0, 0] });
    (first.state.entities.get('b') as { v: number }).v = 1000;
    (first.state.room as { n: number }).n = 5;
    const second = draftOf(state, first);
    expect(second).toBe(first);
    expect(second.state.room).toEqual({ n: 0 });
    expect([...second.state.entities.entries()]).toEqual([...state.entities.entries()]);
    expect(second.problem(game)).toBeUndefined();
    // Kept, then reused again: the room holds the kept work, the next draft starts from it.
    (second.state.entities.get('c') as { v: number }).v = 2;
    second.keep(state);
    const kept = state.entities.get('c');
    const third = draftOf(state, second);
    (third.state.entities.get('c') as { v: number }).v = 3;
    expect(state.entities.get('c')).toBe(kept);
    expect(kept).toEqual({ v: 2, list: [1, 2] });
    // A draft of other entities (a handler replaced the room's Map) is not reused.
    const other = room();
    expect(draftOf(other, third)).not.toBe(third);
  });
});
