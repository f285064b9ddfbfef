/**
 * @module A uniform grid of buckets over the world, as intrusive linked lists in typed arrays:
 * moving a player between cells is O(1) and allocates nothing.
 */

/** Buckets players (by slot) into square cells. */
export class SpatialGrid {
  readonly cellSize: number;
  readonly cols: number;
  readonly rows: number;
  /** First slot in each cell, or -1. */
  readonly head: Int32Array;
  /** Next slot in the same cell, or -1. */
  readonly next: Int32Array;
  readonly #prev: Int32Array;
  readonly #cellOf: Int32Array;

  constructor(width: number, height: number, cellSize: number, capacity: number) {
    this.cellSize = cellSize;
    this.cols = Math.max(1, Math.ceil(width / cellSize));
    this.rows = Math.max(1, Math.ceil(height / cellSize));
    this.head = new Int32Array(this.cols * this.rows).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
    this.#prev = new Int32Array(capacity).fill(-1);
    this.#cellOf = new Int32Array(capacity).fill(-1);
  }

  /** The cell index for a point (clamped into the grid). */
  cellIndex(x: number, y: number): number {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor(x / this.cellSize)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cellSize)));
    return r * this.cols + c;
  }

  /** Inserts or moves a slot to the cell holding `(x, y)`. */
  place(slot: number, x: number, y: number): void {
    const cell = this.cellIndex(x, y);
    if (this.#cellOf[slot] === cell) return;
    this.remove(slot);
    const first = this.head[cell]!;
    this.next[slot] = first;
    this.#prev[slot] = -1;
    if (first !== -1) this.#prev[first] = slot;
    this.head[cell] = slot;
    this.#cellOf[slot] = cell;
  }

  /** Takes a slot out of its cell (no-op when absent). */
  remove(slot: number): void {
    const cell = this.#cellOf[slot]!;
    if (cell === -1) return;
    const p = this.#prev[slot]!;
    const n = this.next[slot]!;
    if (p === -1) this.head[cell] = n;
    else this.next[p] = n;
    if (n !== -1) this.#prev[n] = p;
    this.#cellOf[slot] = -1;
    this.next[slot] = -1;
    this.#prev[slot] = -1;
  }
}
