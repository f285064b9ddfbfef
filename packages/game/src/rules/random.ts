/**
 * @module The seeded random source handlers get: a small counter-free generator (mulberry32) whose
 * whole state is one uint32, so a snapshot carries it and a restored or replayed room draws the
 * same numbers.
 */
import type { GameRandom } from './types.ts';

/** A {@link GameRandom} whose state can be read and restored. */
export class SeededRandom implements GameRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator's state, for snapshots. */
  get state(): number {
    return this.#state;
  }

  /** Restores a state read from {@link state} (a snapshot, or undoing a rejected handler's draws). */
  set state(value: number) {
    this.#state = value >>> 0;
  }

  next(): number {
    // mulberry32 (public domain): good enough for game dice, and exact in 32-bit integer math.
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
