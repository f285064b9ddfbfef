/**
 * @module Interest management: what each viewer can see (players within the view radius) and
 * how that changed since the last broadcast — entered, moved, left. Deltas accumulate between
 * broadcasts because each broadcast diffs against what the viewer was last sent.
 *
 * Viewers are grouped by what they see: a viewer for whom every grid cell around it is wholly in
 * view or wholly out of it (see {@link SpatialGrid.view}) sees exactly the occupants of its
 * in-view cells, so every viewer with the same in-view cells sees the same players. Such a
 * {@link ViewGroup}'s delta is computed once per broadcast and shared by the viewers that were in
 * the group last time too — everyone in a crowd, where per-viewer work would be N². Viewers with a
 * cell partly in view, or new to their group, get their own delta as before.
 */
import type { PlayerTable } from './player-table.ts';
import { CellView, type SpatialGrid } from './spatial-grid.ts';

/** One viewer's changes since its last broadcast. Arrays are reused: copy what you keep. */
export interface ViewDelta {
  /** Slots now visible that were not (read positions from the zone's player table). */
  readonly entered: number[];
  /** Visible slots that moved since the last broadcast. */
  readonly moved: number[];
  /** Player ids no longer visible (out of range or gone from the zone). */
  readonly left: string[];
}

/** Viewers that see the same players: one delta for all of them. */
export interface ViewGroup {
  /** The group's changes. `moved` may hold the viewer's own slot: skip it for that viewer. */
  readonly delta: ViewDelta;
}

/** Receives a viewer's delta; with `group`, `delta` is `group.delta` (shared, see {@link ViewGroup}). */
export type InterestVisit = (viewerSlot: number, delta: ViewDelta, group: ViewGroup | undefined) => void;

interface Group extends ViewGroup {
  readonly delta: { entered: number[]; moved: number[]; left: string[] };
  readonly cells: number[];
  /** Who the group sees, its viewers included. */
  readonly members: Set<number>;
  /** Slots that left the group's view this broadcast (the viewers' own sets drop them). */
  readonly leftSlots: number[];
  /** Ids of removed players the group saw, for its next delta. */
  readonly pendingLeft: string[];
  computedAt: number;
}

/**
 * Below this many players around a viewer, its own distance checks cost less than a group's
 * bookkeeping (scattered players rarely share a view anyway).
 */
const MIN_GROUPED_NEARBY = 32;

const emptyDelta = () => ({ entered: [] as number[], moved: [] as number[], left: [] as string[] });

/** Tracks visible sets per viewer and computes deltas. */
export class InterestTracker {
  /**
   * Who each viewer sees, as a bit set per viewer (`#words` 32-bit words, allocated when the slot
   * is first used, so memory follows the players a zone has had, not its capacity):
   * membership tests in a crowd's inner loop cost a shift, not a hash lookup.
   */
  readonly #visible: Uint32Array[];
  readonly #words: number;
  readonly #pendingLeft: string[][];
  readonly #groupOf: Array<Group | undefined>;
  readonly #groups = new Map<string, Group>();
  readonly #cells: number[] = [];
  readonly #stamp: Float64Array;
  readonly #delta = emptyDelta();
  #epoch = 0;
  #broadcasts = 0;
  #lastBroadcastTick = -1;

  readonly table: PlayerTable;
  readonly grid: SpatialGrid;
  readonly radius: number;

  constructor(table: PlayerTable, grid: SpatialGrid, radius: number) {
    this.table = table;
    this.grid = grid;
    this.radius = radius;
    this.#words = Math.ceil(table.capacity / 32);
    this.#visible = [];
    this.#pendingLeft = Array.from({ length: table.capacity }, () => []);
    this.#groupOf = new Array<Group | undefined>(table.capacity).fill(undefined);
    this.#stamp = new Float64Array(table.capacity);
  }

  /** The slots a viewer currently sees (as of its last broadcast). */
  visibleTo(slot: number): number[] {
    const out: number[] = [];
    this.#eachVisible(slot, (o) => void out.push(o));
    return out;
  }

  #row(v: number): Uint32Array {
    return (this.#visible[v] ??= new Uint32Array(this.#words));
  }

  #sees(v: number, o: number): boolean {
    return ((this.#row(v)[o >>> 5]! >>> (o & 31)) & 1) === 1;
  }

  #see(v: number, o: number): void {
    this.#row(v)[o >>> 5]! |= 1 << (o & 31);
  }

  #unsee(v: number, o: number): void {
    this.#row(v)[o >>> 5]! &= ~(1 << (o & 31));
  }

  /** Calls `each` for every slot `v` sees, in slot order (it may unsee the slot it is given). */
  #eachVisible(v: number, each: (o: number) => void): void {
    const vis = this.#row(v);
    for (let w = 0; w < this.#words; w++) {
      let word = vis[w]!;
      while (word !== 0) {
        const low = word & -word;
        each(w * 32 + 31 - Math.clz32(low));
        word ^= low;
      }
    }
  }

  /** Forget a player: every viewer that saw it gets it in `left` next broadcast. */
  removed(slot: number, playerId: string): void {
    const t = this.table;
    for (let v = 0; v < t.highWater; v++) {
      if (t.ids[v] === undefined || !this.#sees(v, slot)) continue;
      this.#unsee(v, slot);
      this.#pendingLeft[v]!.push(playerId);
    }
    for (const g of this.#groups.values()) if (g.members.delete(slot)) g.pendingLeft.push(playerId);
    this.#visible[slot]?.fill(0);
    this.#pendingLeft[slot]!.length = 0;
    this.#groupOf[slot] = undefined;
  }

  /** Calls `visit` for each viewer whose view changed since the last broadcast, in slot order. */
  broadcast(tick: number, visit: InterestVisit): void {
    const t = this.table;
    const b = ++this.#broadcasts;
    const since = this.#lastBroadcastTick;
    this.grid.measure(t.x, t.y, t.highWater);
    for (let v = 0; v < t.highWater; v++) {
      if (t.ids[v] === undefined) continue;
      const cells = this.#cellsInView(v);
      if (cells === undefined) {
        this.#groupOf[v] = undefined;
        this.#scan(v, since);
        this.#emit(v, visit);
        continue;
      }
      const key = cells.join(',');
      let g = this.#groups.get(key);
      if (!g) {
        g = {
          delta: emptyDelta(),
          cells: [...cells],
          members: new Set(),
          leftSlots: [],
          pendingLeft: [],
          computedAt: 0,
        };
        this.#groups.set(key, g);
      }
      if (g.computedAt !== b) this.#compute(g, since, b);
      if (this.#groupOf[v] === g) {
        this.#follow(v, g);
        const d = g.delta;
        // v stayed in the group's view, so it is in `moved` exactly when it moved itself.
        const own = t.changedTick[v]! > since ? 1 : 0;
        if (d.entered.length + d.left.length > 0 || d.moved.length > own) visit(v, d, g);
      } else {
        this.#groupOf[v] = g;
        this.#join(v, g, since);
        this.#emit(v, visit);
      }
    }
    for (const [key, g] of this.#groups) if (g.computedAt !== b) this.#groups.delete(key);
    this.#lastBroadcastTick = tick;
  }

  /**
   * The occupied cells wholly in `v`'s view, or undefined when one is only partly in view or too
   * few players are near for grouping to pay.
   */
  #cellsInView(v: number): number[] | undefined {
    const t = this.table;
    const g = this.grid;
    const r = this.radius;
    const vx = t.x[v]!;
    const vy = t.y[v]!;
    const cells = this.#cells;
    cells.length = 0;
    let nearby = 0;
    const c0 = Math.max(0, Math.floor((vx - r) / g.cellSize));
    const c1 = Math.min(g.cols - 1, Math.floor((vx + r) / g.cellSize));
    const r0 = Math.max(0, Math.floor((vy - r) / g.cellSize));
    const r1 = Math.min(g.rows - 1, Math.floor((vy + r) / g.cellSize));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const cell = row * g.cols + col;
        if (g.head[cell] === -1) continue;
        const seen = g.view(cell, vx, vy, r * r);
        if (seen === CellView.Some) return undefined;
        if (seen === CellView.All) cells.push(cell);
        nearby += g.occupants(cell);
      }
    }
    return nearby < MIN_GROUPED_NEARBY ? undefined : cells;
  }

  /** The group's new members and its delta since the last broadcast. */
  #compute(g: Group, since: number, b: number): void {
    const t = this.table;
    const grid = this.grid;
    const epoch = ++this.#epoch;
    const d = g.delta;
    d.entered.length = d.moved.length = d.left.length = g.leftSlots.length = 0;
    for (const cell of g.cells) {
      for (let o = grid.head[cell]!; o !== -1; o = grid.next[o]!) {
        this.#stamp[o] = epoch;
        if (!g.members.has(o)) {
          g.members.add(o);
          d.entered.push(o);
        } else if (t.changedTick[o]! > since) d.moved.push(o);
      }
    }
    for (const o of g.members) {
      if (this.#stamp[o] === epoch) continue;
      g.members.delete(o);
      g.leftSlots.push(o);
      d.left.push(t.ids[o]!);
    }
    for (const id of g.pendingLeft) d.left.push(id);
    g.pendingLeft.length = 0;
    g.computedAt = b;
  }

  /** A viewer that stayed in `g`: its own set follows the group's delta (it is never in it). */
  #follow(v: number, g: Group): void {
    for (const o of g.delta.entered) this.#see(v, o);
    for (const o of g.leftSlots) this.#unsee(v, o);
    // The removed players it saw are the group's: they are in the group's `left` already.
    this.#pendingLeft[v]!.length = 0;
  }

  /** A viewer new to `g`: its own delta, from its last view to the group's. */
  #join(v: number, g: Group, since: number): void {
    const t = this.table;
    const d = this.#reset();
    this.#eachVisible(v, (o) => {
      if (g.members.has(o)) return;
      this.#unsee(v, o);
      d.left.push(t.ids[o]!);
    });
    for (const o of g.members) {
      if (o === v) continue;
      if (!this.#sees(v, o)) {
        this.#see(v, o);
        d.entered.push(o);
      } else if (t.changedTick[o]! > since) d.moved.push(o);
    }
  }

  /** A viewer with a cell partly in view: a distance check per nearby player. */
  #scan(v: number, since: number): void {
    const t = this.table;
    const g = this.grid;
    const r = this.radius;
    const r2 = r * r;
    const d = this.#reset();
    const epoch = ++this.#epoch;
    const vis = this.#row(v);
    const vx = t.x[v]!;
    const vy = t.y[v]!;
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
          const at = o >>> 5;
          const bit = 1 << (o & 31);
          if ((vis[at]! & bit) === 0) {
            vis[at]! |= bit;
            d.entered.push(o);
          } else if (t.changedTick[o]! > since) d.moved.push(o);
        }
      }
    }
    this.#eachVisible(v, (o) => {
      if (this.#stamp[o] === epoch) return;
      this.#unsee(v, o);
      d.left.push(t.ids[o]!);
    });
  }

  #reset(): { entered: number[]; moved: number[]; left: string[] } {
    const d = this.#delta;
    d.entered.length = d.moved.length = d.left.length = 0;
    return d;
  }

  /** Sends a viewer's own delta (with the removed players it saw) when it holds anything. */
  #emit(v: number, visit: InterestVisit): void {
    const d = this.#delta;
    const pending = this.#pendingLeft[v]!;
    for (const id of pending) d.left.push(id);
    pending.length = 0;
    if (d.entered.length + d.moved.length + d.left.length > 0) visit(v, d, undefined);
  }
}
