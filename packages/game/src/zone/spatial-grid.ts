/**
 * @module A uniform grid of buckets over the world, as intrusive linked lists in typed arrays:
 * moving a player between cells is O(1) and allocates nothing. It can also measure the bounding box
 * of each cell's occupants, so interest can tell a cell wholly in view (or wholly out of it) from
 * one that needs a distance check per player.
 */

/** How much of a cell's occupants a viewer sees. */
export const CellView = { None: 0, All: 1, Some: 2 } as const;
export type CellView = (typeof CellView)[keyof typeof CellView];

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
  // Occupants' bounding box per cell, valid where #measuredAt equals #measure.
  readonly #minX: Float64Array;
  readonly #maxX: Float64Array;
  readonly #minY: Float64Array;
  readonly #maxY: Float64Array;
  readonly #count: Int32Array;
  readonly #measuredAt: Float64Array;
  #measure = 0;

  constructor(width: number, height: number, cellSize: number, capacity: number) {
    this.cellSize = cellSize;
    this.cols = Math.max(1, Math.ceil(width / cellSize));
    this.rows = Math.max(1, Math.ceil(height / cellSize));
    this.head = new Int32Array(this.cols * this.rows).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
    this.#prev = new Int32Array(capacity).fill(-1);
    this.#cellOf = new Int32Array(capacity).fill(-1);
    const cells = this.cols * this.rows;
    this.#minX = new Float64Array(cells);
    this.#maxX = new Float64Array(cells);
    this.#minY = new Float64Array(cells);
    this.#maxY = new Float64Array(cells);
    this.#count = new Int32Array(cells);
    this.#measuredAt = new Float64Array(cells);
  }

  /** Occupants of a cell at the last {@link measure}. */
  occupants(cell: number): number {
    return this.#measuredAt[cell] === this.#measure ? this.#count[cell]! : 0;
  }

  /** Records each occupied cell's bounding box from the positions `x`, `y` (indexed by slot). */
  measure(x: Float64Array, y: Float64Array, highWater: number): void {
    const m = ++this.#measure;
    for (let slot = 0; slot < highWater; slot++) {
      const cell = this.#cellOf[slot]!;
      if (cell === -1) continue;
      const px = x[slot]!;
      const py = y[slot]!;
      if (this.#measuredAt[cell] !== m) {
        this.#measuredAt[cell] = m;
        this.#minX[cell] = this.#maxX[cell] = px;
        this.#minY[cell] = this.#maxY[cell] = py;
        this.#count[cell] = 1;
        continue;
      }
      this.#count[cell]!++;
      if (px < this.#minX[cell]!) this.#minX[cell] = px;
      if (px > this.#maxX[cell]!) this.#maxX[cell] = px;
      if (py < this.#minY[cell]!) this.#minY[cell] = py;
      if (py > this.#maxY[cell]!) this.#maxY[cell] = py;
    }
  }

  /**
   * Whether a viewer at `(vx, vy)` sees none, all or some of an occupied cell's players (as of the
   * last {@link measure}), by the same `dx² + dy² ≤ r²` test interest applies per player: the
   * squares are monotonic, so the box's farthest and nearest corners bound every occupant exactly.
   */
  view(cell: number, vx: number, vy: number, r2: number): CellView {
    const ax = this.#minX[cell]! - vx;
    const bx = this.#maxX[cell]! - vx;
    const ay = this.#minY[cell]! - vy;
    const by = this.#maxY[cell]! - vy;
    if (Math.max(ax * ax, bx * bx) + Math.max(ay * ay, by * by) <= r2) return CellView.All;
    const nx = ax > 0 ? ax : bx < 0 ? bx : 0;
    const ny = ay > 0 ? ay : by < 0 ? by : 0;
    return nx * nx + ny * ny > r2 ? CellView.None : CellView.Some;
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
