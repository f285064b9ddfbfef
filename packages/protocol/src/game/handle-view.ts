/**
 * @module Reading tick frames' view changes the way every client must: handles learnt on enter
 * (the only place an id travels) and forgotten on leave, `left` before `entered` (a handle freed
 * and taken again in one frame names the new player), the receiver's own handle skipped (shared
 * bodies may list it), positions dequantized. The SDK and the test clients share it.
 */
import type { DeltaMessage, TickMessage } from './messages.ts';
import { dequantize } from './tick-frame.ts';

/** One client's handle → id map for one zone session. */
export class HandleView {
  readonly #names = new Map<number, string>();

  /** Forgets every handle (a new session, or a frame with the reset flag). */
  clear(): void {
    this.#names.clear();
  }

  /** The id a handle names now, if it is in view. */
  idOf(handle: number): string | undefined {
    return this.#names.get(handle);
  }

  /**
   * The frame's view changes as ids and world positions (empty arrays when it has none). `self` is
   * the receiver's handle, `step` the welcome's position step. A frame with `reset` clears first.
   */
  read(tick: TickMessage, self: number, step: number): DeltaMessage {
    const names = this.#names;
    if (tick.reset) names.clear();
    const delta: DeltaMessage = { tick: tick.tick, entered: [], moved: [], left: [] };
    for (const handle of tick.left) {
      const id = names.get(handle);
      if (id === undefined) continue;
      names.delete(handle);
      delta.left.push(id);
    }
    for (const [handle, id, qx, qy] of tick.entered) {
      if (handle === self) continue;
      names.set(handle, id);
      delta.entered.push([id, dequantize(qx, step), dequantize(qy, step)]);
    }
    for (const [handle, qx, qy] of tick.moved) {
      const id = handle === self ? undefined : names.get(handle);
      if (id !== undefined) delta.moved.push([id, dequantize(qx, step), dequantize(qy, step)]);
    }
    return delta;
  }
}
