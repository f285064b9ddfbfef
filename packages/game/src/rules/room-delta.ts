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
export {
  ROOM_FRAME_VERSION,
  RoomView,
  encodeRoomFrame,
  decodeRoomFrame,
  type RoomFrame,
} from '@tickline/protocol';

type Values = Record<string, unknown>;
interface StateLike {
  room: Values;
  entities: Map<string, Values>;
}

/** What a tracker last sent of one entity, and the state object it was read from. */
interface SentEntity {
  /** Entity objects are replaced when kept, never changed in place: the same object, nothing to send. */
  source: Values;
  sent: Values;
}

/** Tracks what the room's players were last sent, and computes the next frame from it. */
export class RoomDeltaTracker {
  #room: Values = {};
  #entities = new Map<string, SentEntity>();
  #reset = true;

  /** The next frame sends the whole state with the reset flag (after a restore). */
  forceReset(): void {
    this.#reset = true;
  }

  /** A tracker that has sent what this one has (its next frame continues from there). */
  clone(): RoomDeltaTracker {
    const copy = new RoomDeltaTracker();
    copy.#reset = this.#reset;
    copy.#room = copyValues(this.#room);
    for (const [id, e] of this.#entities)
      copy.#entities.set(id, { source: e.source, sent: copyValues(e.sent) });
    return copy;
  }

  /** The changes since the previous call, or undefined when nothing changed. */
  delta(state: StateLike, tick: number): RoomFrame | undefined {
    if (this.#reset) {
      this.#reset = false;
      this.#room = copyValues(state.room);
      this.#entities = new Map();
      for (const [id, v] of state.entities) this.#entities.set(id, { source: v, sent: copyValues(v) });
      return fullFrame(state, tick);
    }
    const frame: RoomFrame = { v: ROOM_FRAME_VERSION, t: tick };
    let changed = false;
    const r = diff(this.#room, state.room);
    if (r) {
      frame.r = r;
      Object.assign(this.#room, r);
      changed = true;
    }
    const known = this.#entities;
    for (const [id, values] of state.entities) {
      const before = known.get(id);
      if (before === undefined) {
        const all = copyValues(values);
        known.set(id, { source: values, sent: all });
        (frame.e ??= {})[id] = all;
        changed = true;
        continue;
      }
      if (before.source === values) continue;
      before.source = values;
      const d = diff(before.sent, values);
      if (!d) continue;
      Object.assign(before.sent, d);
      (frame.e ??= {})[id] = d;
      changed = true;
    }
    // Every entity in the state is known by now: more known than present means some are gone.
    if (known.size > state.entities.size)
      for (const id of known.keys())
        if (!state.entities.has(id)) {
          known.delete(id);
          (frame.x ??= []).push(id);
          changed = true;
        }
    return changed ? frame : undefined;
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
 * Checks every entity: for one viewer (a join's full frame); a step's many viewers go through
 * the grid of spatial-grid.ts.
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
