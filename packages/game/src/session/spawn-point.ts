/**
 * @module Where a joining player appears. `scatter` spreads players over the zone: a point derived
 * from a hash of the player id (the same player lands in the same place, so runs reproduce), moved
 * to the next free candidate when it falls on an obstacle. `center` uses the zone's own spawn point,
 * which puts everyone in everyone's view — the interest fan-out's worst case.
 */
import type { Zone } from '../zone/zone.ts';

/** How joins are placed. */
export const SpawnPolicy = { Scatter: 'scatter', Center: 'center' } as const;
export type SpawnPolicy = (typeof SpawnPolicy)[keyof typeof SpawnPolicy];

/** Candidates tried before falling back to the zone's spawn point. */
const MAX_CANDIDATES = 16;
/** Share of each side kept free along the edges. */
const EDGE_MARGIN = 0.05;

/** FNV-1a, 32 bits. */
function hash(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The join position for `playerId` in `zone`, or undefined for the zone's spawn point. */
export function spawnPoint(
  zone: Zone,
  playerId: string,
  policy: SpawnPolicy,
): { x: number; y: number } | undefined {
  if (policy === SpawnPolicy.Center) return undefined;
  const { map } = zone.options;
  const spanX = map.width * (1 - 2 * EDGE_MARGIN);
  const spanY = map.height * (1 - 2 * EDGE_MARGIN);
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const x = map.width * EDGE_MARGIN + (hash(playerId, 2 * i) / 0x1_0000_0000) * spanX;
    const y = map.height * EDGE_MARGIN + (hash(playerId, 2 * i + 1) / 0x1_0000_0000) * spanY;
    if (map.inBounds(x, y) && !map.pointBlocked(x, y)) return { x, y };
  }
  return undefined;
}
