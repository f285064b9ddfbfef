/** @module Test fixtures for zones: a small walled map, a manual clock and command builders. */
import { ManualClock } from '@tickline/kernel';
import type { MoveCommand, ZoneCommand } from './commands.ts';
import { Zone } from './zone.ts';
import type { ZoneOptions } from './zone-config.ts';

/**
 * A 10 × 10 map, 1 unit per cell (row 0 is y = 0): a vertical wall at x = 3 (rows 2–4) and two
 * cells touching only at a corner, (5,6) and (6,7).
 */
export const WALLED_MAP = {
  cellSize: 1,
  rows: [
    '..........',
    '..........',
    '...#......',
    '...#......',
    '...#......',
    '..........',
    '.....#....',
    '......#...',
    '..........',
    '..........',
  ],
};

/** A zone on {@link WALLED_MAP}: 1 unit per tick, teleports beyond 5 units. */
export function walledZone(overrides: Partial<ZoneOptions> = {}): Zone {
  return new Zone({
    zoneId: 'z1',
    clock: new ManualClock(1_700_000_000_000),
    map: WALLED_MAP,
    maxSpeedPerTick: 1,
    teleportDistance: 5,
    viewRadius: 3,
    ...overrides,
  });
}

/** A move command. */
export const move = (playerId: string, seq: number, tick: number, x: number, y: number): MoveCommand => ({
  kind: 'move',
  playerId,
  seq,
  tick,
  x,
  y,
});

/** Enqueues commands and steps once; returns copies of the result arrays. */
export function stepWith(zone: Zone, ...commands: ZoneCommand[]) {
  for (const c of commands) zone.enqueue(c);
  const r = zone.step();
  return {
    tick: r.tick,
    acks: r.acks.map((a) => ({ ...a })),
    rejections: r.rejections.map((x) => ({ ...x })),
    events: [...r.events],
  };
}

/** A zone with player `p` already joined at `(x, y)` (seq 1, tick 1). */
export function zoneWithPlayer(x: number, y: number, overrides: Partial<ZoneOptions> = {}): Zone {
  const zone = walledZone(overrides);
  stepWith(zone, { kind: 'join', playerId: 'p', seq: 1, x, y });
  return zone;
}
