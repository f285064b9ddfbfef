/**
 * @module Interpolation of other players between the deltas the server sends. Each entity keeps
 * its two latest samples (tick, position); it is drawn a little in the past (`delayTicks`), where
 * two real samples surround the render time, so motion is smooth at any frame rate and never
 * extrapolated.
 */
import type { DeltaMessage, EntityState } from '@tickline/protocol';

/** Ticks behind the estimated server tick that others are drawn at. @default 2 */
export const DEFAULT_INTERPOLATION_DELAY_TICKS = 2;

interface Track {
  fromTick: number;
  fromX: number;
  fromY: number;
  toTick: number;
  toX: number;
  toY: number;
}

/** A drawn position of another player. */
export interface RemotePlayer {
  id: string;
  x: number;
  y: number;
}

/** Remote players known from deltas, sampled at any render tick. */
export class Interpolator {
  readonly #tracks = new Map<string, Track>();
  #lastDeltaTick = -Infinity;

  /** Players currently in view. */
  get size(): number {
    return this.#tracks.size;
  }

  /** Ids of players currently in view. */
  ids(): IterableIterator<string> {
    return this.#tracks.keys();
  }

  /** Applies one delta: entered players appear where they are, moved ones get a new sample. */
  apply(delta: DeltaMessage): void {
    for (const id of delta.left) this.#tracks.delete(id);
    for (const e of delta.entered) this.#place(e, delta.tick);
    for (const e of delta.moved) this.#move(e, delta.tick);
    this.#lastDeltaTick = delta.tick;
  }

  /** Forgets everyone (a new session starts from a fresh view). */
  clear(): void {
    this.#tracks.clear();
    this.#lastDeltaTick = -Infinity;
  }

  /** One player's position at `renderTick`, or undefined when not in view. */
  positionAt(id: string, renderTick: number): { x: number; y: number } | undefined {
    const t = this.#tracks.get(id);
    if (!t) return undefined;
    if (renderTick >= t.toTick || t.toTick === t.fromTick) return { x: t.toX, y: t.toY };
    if (renderTick <= t.fromTick) return { x: t.fromX, y: t.fromY };
    const f = (renderTick - t.fromTick) / (t.toTick - t.fromTick);
    return { x: t.fromX + (t.toX - t.fromX) * f, y: t.fromY + (t.toY - t.fromY) * f };
  }

  /** Every player in view at `renderTick`. */
  sample(renderTick: number): RemotePlayer[] {
    const out: RemotePlayer[] = [];
    for (const id of this.#tracks.keys()) out.push({ id, ...this.positionAt(id, renderTick)! });
    return out;
  }

  #place([id, x, y]: EntityState, tick: number): void {
    this.#tracks.set(id, { fromTick: tick, fromX: x, fromY: y, toTick: tick, toX: x, toY: y });
  }

  #move(entity: EntityState, tick: number): void {
    const t = this.#tracks.get(entity[0]);
    if (!t) return this.#place(entity, tick);
    // A player who stood still since its last sample starts moving at the previous delta, not at
    // that old sample: otherwise one step would be smeared over the whole time it stood still.
    t.fromTick = Math.max(t.toTick, Math.min(this.#lastDeltaTick, tick));
    t.fromX = t.toX;
    t.fromY = t.toY;
    t.toTick = tick;
    t.toX = entity[1];
    t.toY = entity[2];
  }
}
