/**
 * @module The zone's static obstacles: a grid of blocked/free cells. Segment checks walk every
 * cell a straight move touches (a supercover traversal), so a move can never clip through a wall
 * or squeeze diagonally between two blocked cells that share only a corner.
 */

/** An obstacle grid: `rows[r][c]` is `#` (blocked) or `.` (free); row 0 is y = 0. */
export interface ObstacleMapConfig {
  /** World units per cell side. */
  cellSize: number;
  /** One string per row, all the same length; `#` blocked, anything else free. */
  rows: readonly string[];
}

/** Cell-exact collision queries over a grid map. Coordinates are world units. */
export class ObstacleMap {
  readonly cols: number;
  readonly rows: number;
  readonly cellSize: number;
  readonly width: number;
  readonly height: number;
  readonly #blocked: Uint8Array;

  constructor(config: ObstacleMapConfig) {
    const cols = config.rows[0]?.length ?? 0;
    if (cols === 0 || !(config.cellSize > 0))
      throw new RangeError('obstacle map needs rows and a positive cellSize');
    if (config.rows.some((r) => r.length !== cols))
      throw new RangeError('obstacle map rows differ in length');
    this.cols = cols;
    this.rows = config.rows.length;
    this.cellSize = config.cellSize;
    this.width = cols * config.cellSize;
    this.height = this.rows * config.cellSize;
    this.#blocked = new Uint8Array(cols * this.rows);
    config.rows.forEach((row, r) => {
      for (let c = 0; c < cols; c++) if (row[c] === '#') this.#blocked[r * cols + c] = 1;
    });
  }

  /** An open map of the given size (no obstacles). */
  static open(width: number, height: number, cellSize = 1): ObstacleMap {
    const cols = Math.ceil(width / cellSize);
    return new ObstacleMap({
      cellSize,
      rows: Array.from({ length: Math.ceil(height / cellSize) }, () => '.'.repeat(cols)),
    });
  }

  /** True for a blocked cell; cells outside the grid count as blocked. */
  cellBlocked(col: number, row: number): boolean {
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return true;
    return this.#blocked[row * this.cols + col] === 1;
  }

  /** True when the point lies inside the world rectangle `[0,width) × [0,height)`. */
  inBounds(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height;
  }

  /** True when the point's cell is blocked. */
  pointBlocked(x: number, y: number): boolean {
    return this.cellBlocked(Math.floor(x / this.cellSize), Math.floor(y / this.cellSize));
  }

  /**
   * True when any cell the segment touches is blocked. Where the segment passes exactly through
   * a grid corner, both side cells count as touched (no slipping between diagonal walls).
   */
  segmentBlocked(x0: number, y0: number, x1: number, y1: number): boolean {
    const fx0 = x0 / this.cellSize;
    const fy0 = y0 / this.cellSize;
    const fx1 = x1 / this.cellSize;
    const fy1 = y1 / this.cellSize;
    let cx = Math.floor(fx0);
    let cy = Math.floor(fy0);
    const endX = Math.floor(fx1);
    const endY = Math.floor(fy1);
    if (this.cellBlocked(cx, cy)) return true;
    const dx = fx1 - fx0;
    const dy = fy1 - fy0;
    const stepX = dx > 0 ? 1 : -1;
    const stepY = dy > 0 ? 1 : -1;
    const tDeltaX = dx === 0 ? Infinity : 1 / Math.abs(dx);
    const tDeltaY = dy === 0 ? Infinity : 1 / Math.abs(dy);
    let tMaxX = dx === 0 ? Infinity : (dx > 0 ? cx + 1 - fx0 : fx0 - cx) * tDeltaX;
    let tMaxY = dy === 0 ? Infinity : (dy > 0 ? cy + 1 - fy0 : fy0 - cy) * tDeltaY;
    let remaining = Math.abs(endX - cx) + Math.abs(endY - cy);
    while (remaining > 0) {
      if (remaining >= 2 && Math.abs(tMaxX - tMaxY) < 1e-9) {
        // Exactly through a corner: both neighbours are touched.
        if (this.cellBlocked(cx + stepX, cy) || this.cellBlocked(cx, cy + stepY)) return true;
        cx += stepX;
        cy += stepY;
        tMaxX += tDeltaX;
        tMaxY += tDeltaY;
        remaining -= 2;
      } else if (tMaxX < tMaxY) {
        cx += stepX;
        tMaxX += tDeltaX;
        remaining--;
      } else {
        cy += stepY;
        tMaxY += tDeltaY;
        remaining--;
      }
      if (this.cellBlocked(cx, cy)) return true;
    }
    return false;
  }
}
