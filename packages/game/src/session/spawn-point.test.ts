import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { walledZone } from '../zone/zone-fixture.ts';
import { Zone } from '../zone/zone.ts';
import { spawnPoint } from './spawn-point.ts';

describe('spawn point', () => {
  it('spawn - center leaves the choice to the zone; scatter spreads players, reproducibly', () => {
    const zone = new Zone({ zoneId: 'z', clock: new ManualClock() });
    expect(spawnPoint(zone, 'p1', 'center')).toBeUndefined();
    const points = Array.from({ length: 200 }, (_, i) => spawnPoint(zone, `player-${i}`, 'scatter')!);
    expect(spawnPoint(zone, 'player-7', 'scatter')).toEqual(points[7]);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(50);
      expect(p.x).toBeLessThanOrEqual(950);
      expect(p.y).toBeGreaterThanOrEqual(50);
      expect(p.y).toBeLessThanOrEqual(950);
    }
    // Spread: every quadrant of the world gets players.
    const quadrants = new Set(points.map((p) => `${p.x < 500 ? 'w' : 'e'}${p.y < 500 ? 'n' : 's'}`));
    expect(quadrants.size).toBe(4);
  });

  it('spawn - scatter never lands on an obstacle', () => {
    const zone = walledZone();
    for (let i = 0; i < 100; i++) {
      const p = spawnPoint(zone, `p${i}`, 'scatter');
      if (p) expect(zone.options.map.pointBlocked(p.x, p.y)).toBe(false);
    }
  });
});
