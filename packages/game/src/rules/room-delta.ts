/**
 * @module The generic delta frame of a rules room: field-level changes since the previous frame,
 * MessagePack-encoded once per tick and sent to every player of the room (games without space see
 * the whole room). A frame is `{ v, t, reset?, r?, e?, x? }`: the room fields that changed, per
 * entity the fields that changed (every field for an entity new to the view), and the entities
 * gone. The frame and `RoomView`, the reader a client keeps, live in the protocol.
 */
import { ROOM_FRAME_VERSION, type RoomFrame } from '@tickline/protocol';
import { copyValues, sameValue } from './fields.ts';

// The frame, its codec and the client's reader are the protocol's (the SDK applies them too).
export { ROOM_FRAME_VERSION, RoomView, encodeRoomFrame, decodeRoomFrame, type RoomFrame } from '@tickline/protocol';

type Values = Record<string, unknown>;
interface StateLike {
  room: Values;
  entities: Map<string, Values>;
}

/** Tracks what the room's players were last sent, and computes the next frame from it. */
export class RoomDeltaTracker {
  #room: Values = {};
  #entities = new Map<string, Values>();
  #reset = true;

  /** The next frame sends the whole state with the reset flag (after a restore). */
  forceReset(): void {
    this.#reset = true;
  }

  /** The changes since the previous call, or undefined when nothing changed. */
  delta(state: StateLike, tick: number): RoomFrame | undefined {
    if (this.#reset) {
      this.#reset = false;
      this.#remember(state);
      return fullFrame(state, tick);
    }
    const frame: RoomFrame = { v: ROOM_FRAME_VERSION, t: tick };
    let changed = false;
    const r = diff(this.#room, state.room);
    if (r) {
      frame.r = r;
      changed = true;
    }
    for (const [id, values] of state.entities) {
      const before = this.#entities.get(id);
      const d = before === undefined ? copyValues(values) : diff(before, values);
      if (!d) continue;
      (frame.e ??= {})[id] = d;
      changed = true;
    }
    for (const id of this.#entities.keys())
      if (!state.entities.has(id)) {
        (frame.x ??= []).push(id);
        changed = true;
      }
    this.#remember(state);
    return changed ? frame : undefined;
  }

  #remember(state: StateLike): void {
    this.#room = copyValues(state.room);
    this.#entities = new Map();
    for (const [id, v] of state.entities) this.#entities.set(id, copyValues(v));
  }
}

/** The fields of `after` that differ from `before`, or undefined. */
function diff(before: Values, after: Values): Values | undefined {
  let out: Values | undefined;
  for (const k of Object.keys(after)) {
    const v = after[k];
    if (sameValue(before[k], v)) continue;
    (out ??= {})[k] = Array.isArray(v) ? v.slice() : v;
  }
  return out;
}

/**
 * What `viewerId` sees of a spatial room: the room's fields, its own entity, and every entity
 * within `viewRadius` of it (inclusive). A viewer without an entity sees only the room's fields.
 * Checks every entity for every viewer (O(players × entities) a tick): fine for rooms of tens;
 * the zone's grid and view groups serve the arena's crowds.
 */
export function visibleState(
  state: StateLike,
  viewerId: string,
  spatial: { x: string; y: string; viewRadius: number },
): StateLike {
  const entities = new Map<string, Values>();
  const me = state.entities.get(viewerId);
  if (me !== undefined) {
    const mx = me[spatial.x] as number;
    const my = me[spatial.y] as number;
    const r2 = spatial.viewRadius * spatial.viewRadius;
    for (const [id, e] of state.entities) {
      const dx = (e[spatial.x] as number) - mx;
      const dy = (e[spatial.y] as number) - my;
      if (id === viewerId || dx * dx + dy * dy <= r2) entities.set(id, e);
    }
  }
  return { room: state.room, entities };
}

/** A frame with the whole state and the reset flag (a player that joins or resumes gets one). */
export function fullFrame(state: StateLike, tick: number): RoomFrame {
  const e: Record<string, Values> = {};
  for (const [id, v] of state.entities) e[id] = copyValues(v);
  return { v: ROOM_FRAME_VERSION, t: tick, reset: true, r: copyValues(state.room), e };
}
