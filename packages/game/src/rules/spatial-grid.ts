/**
 * @module The interest grid of a spatial rules room: entities bucketed once a step into square
 * cells as wide as the view radius, so a viewer's candidates are the 3 × 3 cells around it — not
 * every entity of the room (O(players × entities) a step, most of a large room's step before);
 * and the bounding-box test of which players see the whole room (they share one frame).
 */
import { visibleState } from './room-delta.ts';

type Values = Record<string, unknown>;
interface StateLike {
  room: Values;
  entities: Map<string, Values>;
}
interface Spatial {
  x: string;
  y: string;
  viewRadius: number;
}

/** Cell coordinates beyond ±2^20 would collide in the numeric key: such a room is scanned instead. */
const MAX_CELL = 2 ** 20;
/** Two cell coordinates as one number: cy stays within ±2^20 < 2^21 / 2, so keys never collide. */
const cellKey = (cx: number, cy: number): number => cx * 2 ** 21 + cy;

/**
 * What each viewer sees of `state` (as {@link visibleState}: the room's fields, its own entity and
 * every entity within the view radius, inclusive), through a grid built once for all viewers.
 */
export function spatialViews(state: StateLike, spatial: Spatial): (viewerId: string) => StateLike {
  const r = spatial.viewRadius;
  const cells = new Map<number, [string, Values][]>();
  for (const entry of state.entities) {
    const cx = Math.floor((entry[1][spatial.x] as number) / r);
    const cy = Math.floor((entry[1][spatial.y] as number) / r);
    if (!(Math.abs(cx) < MAX_CELL && Math.abs(cy) < MAX_CELL))
      return (id) => visibleState(state, id, spatial);
    const key = cellKey(cx, cy);
    const cell = cells.get(key);
    if (cell === undefined) cells.set(key, [entry]);
    else cell.push(entry);
  }
  const r2 = r * r;
  return (viewerId) => {
    const entities = new Map<string, Values>();
    const me = state.entities.get(viewerId);
    if (me === undefined) return { room: state.room, entities };
    const mx = me[spatial.x] as number;
    const my = me[spatial.y] as number;
    const cx = Math.floor(mx / r);
    const cy = Math.floor(my / r);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++) {
        const cell = cells.get(cellKey(cx + dx, cy + dy));
        if (cell === undefined) continue;
        for (const [id, e] of cell) {
          const ex = (e[spatial.x] as number) - mx;
          const ey = (e[spatial.y] as number) - my;
          if (id === viewerId || ex * ex + ey * ey <= r2) entities.set(id, e);
        }
      }
    return { room: state.room, entities };
  };
}

/**
 * Whether a player sees every entity of the room this tick: the corner of the entities' bounding
 * box farthest from it is within the view radius (one pass over the room, then O(1) a player).
 */
export function seesWholeRoom(entities: Map<string, Values>, spatial: Spatial): (id: string) => boolean {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const e of entities.values()) {
    const x = e[spatial.x] as number;
    const y = e[spatial.y] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const r2 = spatial.viewRadius * spatial.viewRadius;
  return (id) => {
    const me = entities.get(id);
    if (me === undefined) return false;
    const mx = me[spatial.x] as number;
    const my = me[spatial.y] as number;
    const dx = Math.max(mx - minX, maxX - mx);
    const dy = Math.max(my - minY, maxY - my);
    return dx * dx + dy * dy <= r2;
  };
}
