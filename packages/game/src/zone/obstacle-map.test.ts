import { describe, expect, it } from 'vitest';
import { ObstacleMap } from './obstacle-map.ts';
import { WALLED_MAP } from './zone-fixture.ts';

const map = new ObstacleMap(WALLED_MAP);

describe('obstacle map - segment checks', () => {
  it('segment - free straight and diagonal paths are clear', () => {
    expect(map.segmentBlocked(0.5, 0.5, 9.5, 0.5)).toBe(false);
    expect(map.segmentBlocked(0.5, 0.5, 2.5, 9.5)).toBe(false);
    expect(map.segmentBlocked(9.5, 9.5, 7.5, 8.5)).toBe(false);
  });

  it('segment - crossing a wall, ending in a wall, or passing a corner between diagonal walls is blocked', () => {
    expect(map.segmentBlocked(2.5, 3.5, 4.5, 3.5)).toBe(true);
    expect(map.segmentBlocked(4.5, 2.2, 2.5, 4.9)).toBe(true);
    expect(map.segmentBlocked(2.5, 2.5, 3.1, 2.5)).toBe(true);
    expect(map.segmentBlocked(6.5, 6.5, 5.5, 7.5)).toBe(true);
  });

  it('segment - grazing a blocked cell by its corner only is blocked (conservative)', () => {
    // From (2,5)…(4,5) row below the wall, touching the wall's bottom-right corner (4,5) exactly
    expect(map.segmentBlocked(3.5, 5.5, 4.5, 4.5)).toBe(true);
  });

  it('bounds - points outside the world are out of bounds and count as blocked', () => {
    expect(map.inBounds(10, 5)).toBe(false);
    expect(map.inBounds(9.99, 0)).toBe(true);
    expect(map.pointBlocked(-1, 5)).toBe(true);
  });

  it('config - ragged rows are refused', () => {
    expect(() => new ObstacleMap({ cellSize: 1, rows: ['..', '.'] })).toThrow(RangeError);
  });
});
