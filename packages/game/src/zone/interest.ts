/**
 * @module Interest management: what each viewer can see (players within the view radius) and
 * how that changed since the last broadcast — entered, moved, left. Deltas accumulate between
 * broadcasts because each broadcast diffs against what the viewer was last sent.
 */
import type { PlayerTable } from './player-table.ts';
import type { SpatialGrid } from './spatial-grid.ts';

/** One viewer's changes since its last broadcast. Arrays are reused: copy what you keep. */
export interface ViewDelta {
  /** Slots now visible that were not (read positions from the zone's player table). */
  readonly entered: number[];
  /** Visible slots that moved since the last broadcast. */
  readonly moved: number[];
  /** Player ids no longer visible (out of range or gone from the zone). */
  readonly left: string[];
}

/** Tracks visible sets per viewer and computes deltas. */
export class InterestTracker {
  readonly #visible: Array<Set<number>>;
  readonly #pendingLeft: string[][];
  readonly #stamp: Float64Array;
  readonly #delta = { entered: [] as number[], moved: [] as number[], left: [] as string[] };
  #epoch = 0;
  #lastBroadcastTick = -1;

  readonly table: PlayerTable;
  readonly grid: SpatialGrid;
  readonly radius: number;

  constructor(table: PlayerTable, grid: SpatialGrid, radius: number) {
    this.table = table;
    this.grid = grid;
    this.radius = radius;
    this.#visible = Array.from({ length: table.capacity }, () => new Set<number>());
    this.#pendingLeft = Array.from({ length: table.capacity }, () => []);
    this.#stamp = new Float64Array(table.capacity);
  }

  /** The slots a viewer currently sees (as of its last broadcast). */
  visibleTo(slot: number): ReadonlySet<number> {
    return this.#visible[slot]!;
  }

  /** Forget a player: every viewer that saw it gets it in `left` next broadcast. */
  removed(slot: number, playerId: string): void {
    const t = this.table;
    for (let v = 0; v < t.highWater; v++) {
      if (t.ids[v] !== undefined && this.#visible[v]!.delete(slot)) this.#pendingLeft[v]!.push(playerId);
    }
    this.#visible[slot]!.clear();
    this.#pendingLeft[slot]!.length = 0;
  }

  /** Calls `visit` for each viewer whose view changed since the last broadcast. */
  broadcast(tick: number, visit: (viewerSlot: number, delta: ViewDelta) => void): void {
    const t = this.table;
    const g = this.grid;
    const r = this.radius;
    const r2 = r * r;
    const d = this.#delta;
    const since = this.#lastBroadcastTick;
    for (let v = 0; v < t.highWater; v++) {
      if (t.ids[v] === undefined) continue;
      const epoch = ++this.#epoch;
      const vis = this.#visible[v]!;
      const vx = t.x[v]!;
      const vy = t.y[v]!;
      d.entered.length = 0;
      d.moved.length = 0;
      d.left.length = 0;
      const c0 = Math.max(0, Math.floor((vx - r) / g.cellSize));
      const c1 = Math.min(g.cols - 1, Math.floor((vx + r) / g.cellSize));
      const r0 = Math.max(0, Math.floor((vy - r) / g.cellSize));
      const r1 = Math.min(g.rows - 1, Math.floor((vy + r) / g.cellSize));
      for (let row = r0; row <= r1; row++) {
        for (let col = c0; col <= c1; col++) {
          for (let o = g.head[row * g.cols + col]!; o !== -1; o = g.next[o]!) {
            if (o === v) continue;
            const dx = t.x[o]! - vx;
            const dy = t.y[o]! - vy;
            if (dx * dx + dy * dy > r2) continue;
            this.#stamp[o] = epoch;
            if (!vis.has(o)) {
              vis.add(o);
              d.entered.push(o);
            } else if (t.changedTick[o]! > since) d.moved.push(o);
          }
        }
      }
      for (const o of vis) {
        if (this.#stamp[o] !== epoch) {
          vis.delete(o);
          d.left.push(t.ids[o]!);
        }
      }
      const pending = this.#pendingLeft[v]!;
      for (const id of pending) d.left.push(id);
      pending.length = 0;
      if (d.entered.length + d.moved.length + d.left.length > 0) visit(v, d);
    }
    this.#lastBroadcastTick = tick;
  }
}
