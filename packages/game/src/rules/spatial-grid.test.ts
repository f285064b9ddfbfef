/** The interest grid gives every viewer exactly what checking every entity gives. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.ts';
import { visibleState } from './room-delta.ts';
import { spatialViews } from './spatial-grid.ts';

const spatial = { x: 'x', y: 'y', viewRadius: 10 };
const idsOf = (state: { entities: Map<string, unknown> }) => [...state.entities.keys()].sort();

describe('rules - spatial interest grid', () => {
  it('each viewer sees what a scan of every entity shows: cell edges, the exact radius, negatives', () => {
    const random = new SeededRandom(3);
    const entities = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < 400; i++) entities.set(`p${i}`, { x: random.next() * 120 - 20, y: random.next() * 120 - 20 });
    // On cell edges, and exactly one radius apart (inclusive) or a hair more.
    entities.set('edge-a', { x: 30, y: 30 });
    entities.set('edge-b', { x: 40, y: 30 });
    entities.set('edge-c', { x: 30, y: 40.000001 });
    entities.set('edge-d', { x: 20, y: 20 });
    const state = { room: { n: 1 }, entities };
    const views = spatialViews(state, spatial);
    for (const id of [...entities.keys(), 'nobody']) {
      const grid = views(id);
      expect(grid.room).toBe(state.room);
      expect(idsOf(grid)).toEqual(idsOf(visibleState(state, id, spatial)));
    }
    expect(idsOf(views('edge-a'))).toContain('edge-b');
    expect(idsOf(views('edge-a'))).not.toContain('edge-c');
  });

  it('a room too spread for the grid\'s keys is scanned instead, with the same views', () => {
    const entities = new Map<string, Record<string, unknown>>([
      ['near', { x: 0, y: 0 }],
      ['close', { x: 5, y: 5 }],
      ['far', { x: 1e9, y: 0 }],
    ]);
    const views = spatialViews({ room: {}, entities }, spatial);
    expect(idsOf(views('near'))).toEqual(['close', 'near']);
    expect(idsOf(views('far'))).toEqual(['far']);
  });
});
