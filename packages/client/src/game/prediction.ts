/**
 * @module Client-side prediction and reconciliation. Own inputs move the player at once; each is
 * kept until the server answers. An ack (or a rejection) of seq N carries the authoritative
 * position after N: the predictor drops inputs up to N and replays the rest on top of it, so a
 * correction never throws away movement the server has not judged yet.
 */

/** One input still waiting for the server: the step it asked for and when it was sent. */
export interface PendingInput {
  seq: number;
  dx: number;
  dy: number;
  sentAtMs: number;
}

/** Rectangle the predicted position stays in (the zone bounds from the welcome). */
export interface Bounds {
  width: number;
  height: number;
}

/** What reconciling an ack or rejection changed. */
export interface ReconcileResult {
  /** Inputs the answer settled (seq ≤ the answered seq), oldest first. */
  settled: PendingInput[];
  /** Distance between the prediction before and after: 0 when the prediction was right. */
  correction: number;
}

// The zone's bounds are half-open [0, width): stay a hair inside the far edge.
const EDGE_MARGIN = 1e-6;
const clamp = (v: number, max: number) => (v < 0 ? 0 : v >= max ? max - EDGE_MARGIN : v);

/** Predicted and authoritative position of the local player. */
export class Predictor {
  #x: number;
  #y: number;
  #authX: number;
  #authY: number;
  #authSeq: number;
  #pending: PendingInput[] = [];
  readonly #bounds: Bounds | undefined;

  constructor(x: number, y: number, lastSeq = 0, bounds?: Bounds) {
    this.#x = this.#authX = x;
    this.#y = this.#authY = y;
    this.#authSeq = lastSeq;
    this.#bounds = bounds;
  }

  /** The predicted position (authoritative plus every pending input). */
  get x(): number {
    return this.#x;
  }
  get y(): number {
    return this.#y;
  }
  /** The last position the server confirmed, and the seq it confirmed it for. */
  get authoritative(): { x: number; y: number; seq: number } {
    return { x: this.#authX, y: this.#authY, seq: this.#authSeq };
  }
  /** Inputs sent and not yet answered, oldest first. */
  get pending(): readonly PendingInput[] {
    return this.#pending;
  }

  /** Applies an input now and remembers it until the server answers `seq`. */
  apply(seq: number, dx: number, dy: number, sentAtMs: number): { x: number; y: number } {
    this.#pending.push({ seq, dx, dy, sentAtMs });
    this.#step(dx, dy);
    return { x: this.#x, y: this.#y };
  }

  /**
   * The server's word on `seq`: position after it (accepted, or unchanged when rejected). Answers
   * older than one already applied are ignored (an ack and a rejection can cross).
   */
  reconcile(seq: number, x: number, y: number, tolerance = 0): ReconcileResult {
    if (seq < this.#authSeq) return { settled: [], correction: 0 };
    const beforeX = this.#x;
    const beforeY = this.#y;
    let n = 0;
    while (n < this.#pending.length && this.#pending[n]!.seq <= seq) n++;
    const settled = this.#pending.splice(0, n);
    if (tolerance > 0) {
      // A quantized answer names a cell, not a point: when the prediction for `seq` lies in it,
      // the prediction is the server's position (the server moved exactly where it was asked).
      let px = this.#authX;
      let py = this.#authY;
      for (const input of settled) [px, py] = this.#after(px, py, input.dx, input.dy);
      if (Math.abs(px - x) <= tolerance && Math.abs(py - y) <= tolerance) {
        x = px;
        y = py;
      }
    }
    this.#authSeq = seq;
    this.#x = this.#authX = x;
    this.#y = this.#authY = y;
    for (const input of this.#pending) this.#step(input.dx, input.dy);
    return { settled, correction: Math.hypot(this.#x - beforeX, this.#y - beforeY) };
  }

  /** Forgets pending inputs (a new session that did not keep them) and snaps to a position. */
  reset(x: number, y: number, lastSeq: number): void {
    this.#pending = [];
    this.#authSeq = lastSeq;
    this.#x = this.#authX = x;
    this.#y = this.#authY = y;
  }

  #step(dx: number, dy: number): void {
    [this.#x, this.#y] = this.#after(this.#x, this.#y, dx, dy);
  }

  /** Where an input moves a position. */
  #after(x: number, y: number, dx: number, dy: number): [number, number] {
    const b = this.#bounds;
    return b ? [clamp(x + dx, b.width), clamp(y + dy, b.height)] : [x + dx, y + dy];
  }
}
