/**
 * @module Players as a struct of arrays indexed by slot: the tick touches typed arrays, not
 * objects, so moving a thousand players allocates nothing.
 */

/** The zone's players. Slots are reused after a leave (lowest free first, so runs are reproducible). */
export class PlayerTable {
  readonly capacity: number;
  readonly ids: Array<string | undefined>;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Last client seq processed (accepted or rejected). */
  readonly lastSeq: Float64Array;
  /** Last client tick seen on a move (non-decreasing). */
  readonly lastClientTick: Float64Array;
  /** Client tick of the last accepted move: the speed budget counts from here. */
  readonly lastMoveTick: Float64Array;
  /** Rate window index and commands counted in it. */
  readonly rateWindow: Float64Array;
  readonly rateCount: Uint32Array;
  /** Zone tick of the last position change (interest "moved" detection). */
  readonly changedTick: Float64Array;
  readonly #slotById = new Map<string, number>();
  readonly #free: number[] = [];
  #high = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.lastSeq = new Float64Array(capacity);
    this.lastClientTick = new Float64Array(capacity);
    this.lastMoveTick = new Float64Array(capacity);
    this.rateWindow = new Float64Array(capacity);
    this.rateCount = new Uint32Array(capacity);
    this.changedTick = new Float64Array(capacity);
  }

  get size(): number {
    return this.#slotById.size;
  }

  /** One past the highest slot ever used: loops run `0 … highWater`. */
  get highWater(): number {
    return this.#high;
  }

  slotOf(playerId: string): number | undefined {
    return this.#slotById.get(playerId);
  }

  /** Takes a slot for a new player, or returns -1 when full. */
  add(playerId: string): number {
    let slot: number;
    if (this.#free.length > 0) {
      this.#free.sort((a, b) => b - a);
      slot = this.#free.pop()!;
    } else if (this.#high < this.capacity) slot = this.#high++;
    else return -1;
    this.ids[slot] = playerId;
    this.#slotById.set(playerId, slot);
    this.lastSeq[slot] = 0;
    this.lastClientTick[slot] = -Infinity;
    this.lastMoveTick[slot] = -Infinity;
    this.rateWindow[slot] = -Infinity;
    this.rateCount[slot] = 0;
    return slot;
  }

  remove(slot: number): void {
    const id = this.ids[slot];
    if (id === undefined) return;
    this.#slotById.delete(id);
    this.ids[slot] = undefined;
    this.#free.push(slot);
  }
}
