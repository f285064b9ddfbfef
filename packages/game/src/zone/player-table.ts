/**
 * @module Players as a struct of arrays indexed by slot: the tick touches typed arrays, not
 * objects, so moving a thousand players allocates nothing.
 */

/**
 * The zone's players. A slot is also the player's handle on the wire, so a freed slot waits
 * `graceTicks` before reuse (then lowest free first, so runs are reproducible); when every free
 * slot is younger and the table is full, the oldest is reused.
 */
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
  /** The tick each slot was freed at. */
  readonly #freedAt: Float64Array;
  readonly #graceTicks: number;
  /** Ids of departed players whose slot is not reused yet: a late `left` still finds its handle. */
  readonly #departed = new Map<string, number>();
  readonly #formerIds: Array<string | undefined>;
  #high = 0;

  /** @param graceTicks @default 0 (reuse at once) */
  constructor(capacity: number, graceTicks = 0) {
    this.capacity = capacity;
    this.#graceTicks = graceTicks;
    this.#freedAt = new Float64Array(capacity);
    this.#formerIds = new Array<string | undefined>(capacity).fill(undefined);
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

  /** The handle a player has, or had until it left (while its slot waits out its grace). */
  handleOf(playerId: string): number | undefined {
    return this.#slotById.get(playerId) ?? this.#departed.get(playerId);
  }

  /** Takes a slot for a new player at `tick`, or returns -1 when full. @default tick Infinity */
  add(playerId: string, tick = Infinity): number {
    const slot = this.#takeSlot(tick);
    if (slot < 0) return -1;
    const previous = this.#formerIds[slot];
    if (previous !== undefined && this.#departed.get(previous) === slot) this.#departed.delete(previous);
    this.#formerIds[slot] = undefined;
    this.ids[slot] = playerId;
    this.#slotById.set(playerId, slot);
    this.lastSeq[slot] = 0;
    this.lastClientTick[slot] = -Infinity;
    this.lastMoveTick[slot] = -Infinity;
    this.rateWindow[slot] = -Infinity;
    this.rateCount[slot] = 0;
    return slot;
  }

  #takeSlot(tick: number): number {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const s = this.#free[i]!;
      if (this.#freedAt[s]! + this.#graceTicks <= tick && (best < 0 || s < this.#free[best]!)) best = i;
    }
    if (best < 0 && this.#high < this.capacity) return this.#high++;
    if (best < 0 && this.#free.length > 0) {
      best = 0;
      for (let i = 1; i < this.#free.length; i++)
        if (this.#freedAt[this.#free[i]!]! < this.#freedAt[this.#free[best]!]!) best = i;
    }
    if (best < 0) return -1;
    const slot = this.#free[best]!;
    this.#free[best] = this.#free[this.#free.length - 1]!;
    this.#free.pop();
    return slot;
  }

  /** Frees a slot at `tick`; its handle is not reused for the grace. @default tick 0 */
  remove(slot: number, tick = 0): void {
    const id = this.ids[slot];
    if (id === undefined) return;
    this.#slotById.delete(id);
    this.ids[slot] = undefined;
    this.#formerIds[slot] = id;
    this.#departed.set(id, slot);
    this.#freedAt[slot] = tick;
    this.#free.push(slot);
  }
}
