/**
 * @module The generic delta frame of a rules room: field-level changes since the previous frame,
 * MessagePack-encoded once per tick and sent to every player of the room (games without space see
 * the whole room). A frame is `{ v, t, reset?, f?, r?, n?, e?, x? }`: the room fields that changed,
 * the entities new to the stream with their handles, per entity handle the fields that changed
 * (every field for an entity new to the view), and the handles of the entities gone; fields named
 * by their index in the game's field table (`f`, in every reset frame). The frame and `RoomView`,
 * the reader a client keeps, live in the protocol.
 *
 * Handles are the room's ({@link EntityHandles}), the same in every player's stream, so a player
 * moved between its own tracker and the shared one (room-visibility's see-everything group) needs
 * no renaming; each stream announces a handle the first time it carries the entity.
 */
import {
  fieldValues,
  ROOM_FRAME_VERSION,
  type FieldTable,
  type FieldValues,
  type RoomFrame,
} from '@tickline/protocol';
import { copyValues, sameValue } from './fields.ts';

// The frame, its codec and the client's reader are the protocol's (the SDK applies them too).
export {
  ROOM_FRAME_VERSION,
  RoomView,
  encodeRoomFrame,
  decodeRoomFrame,
  type FieldTable,
  type RoomFrame,
} from '@tickline/protocol';

type Values = Record<string, unknown>;
interface StateLike {
  room: Values;
  entities: Map<string, Values>;
}

/**
 * Per field of the table (same order), the step its float values are rounded to before they are
 * compared and sent; 0: sent as they are. Rounded here rather than in a projected copy of each
 * entity: a room whose entities all move would otherwise make a copy of each every tick.
 */
export interface FrameSteps {
  r: readonly number[];
  e: readonly number[];
}

/** No field rounded. */
const NO_STEPS: FrameSteps = { r: [], e: [] };

/** `v` rounded to `step` (a number, a field with a step), else `v`. */
function stepped(v: unknown, step: number | undefined): unknown {
  return step ? Math.round((v as number) / step) * step : v;
}

/** `values` as a frame carries them: the table's fields, stepped ones rounded (see {@link FrameSteps}). */
function sentValues(
  names: readonly string[],
  steps: readonly number[],
  values: Values,
): FieldValues | undefined {
  const out = fieldValues(names, values);
  if (out === undefined || steps.length === 0) return out;
  // The values follow the mask in the table's order, one for each field present.
  let at = 1;
  for (let i = 0; i < names.length; i++) {
    if (values[names[i]!] === undefined) continue;
    out[at] = stepped(out[at], steps[i]);
    at++;
  }
  return out;
}

/** What a frame last carried of `values`: a copy, stepped fields rounded. */
function sentCopy(names: readonly string[], steps: readonly number[], values: Values): Values {
  const sent = copyValues(values);
  for (let i = 0; i < steps.length; i++) {
    const k = names[i]!;
    if (sent[k] !== undefined) sent[k] = stepped(sent[k], steps[i]);
  }
  return sent;
}

/** What a tracker last sent of one entity, and the state object it was read from. */
interface SentEntity {
  /** Entity objects are replaced when kept, never changed in place: the same object, nothing to send. */
  source: Values;
  sent: Values;
  /** The handle its frames named it by. */
  handle: number;
}

/**
 * A room's entity handles: a small integer per entity id, given when a frame first carries the
 * entity and taken back ({@link prune}) once the entity is gone from the room and every stream
 * was told; a freed handle is given again, so handles stay about the room's size (1 byte on the
 * wire up to 127 entities, 2 up to 255, 3 up to 65,535). Deterministic for a given sequence of frames, so a
 * replay names entities as the live room did; a restored room starts a table of its own (its
 * streams all start with a reset frame).
 */
export class EntityHandles {
  readonly #byId = new Map<string, number>();
  readonly #free: number[] = [];
  #next = 0;

  /** The entity's handle, given now if it has none. */
  of(id: string): number {
    let handle = this.#byId.get(id);
    if (handle === undefined) {
      handle = this.#free.pop() ?? this.#next++;
      this.#byId.set(id, handle);
    }
    return handle;
  }

  /** Handles given and not taken back. */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * Takes back the handles of the entities not in `entities` (the room's whole state). Call it
   * only after every stream computed its frame from that state: each has then removed them.
   * A no-op (O(1)) unless handles outnumber the entities; an entity no frame ever carried has no
   * handle, so one gone may keep its handle a while (taken back at a later prune, or given again
   * to the same id): never wrong, only late.
   */
  prune(entities: ReadonlyMap<string, unknown>): void {
    if (this.#byId.size <= entities.size) return;
    for (const [id, handle] of this.#byId)
      if (!entities.has(id)) {
        this.#byId.delete(id);
        this.#free.push(handle);
      }
  }
}

/** Tracks what the room's players were last sent, and computes the next frame from it. */
export class RoomDeltaTracker {
  readonly #fields: FieldTable;
  readonly #steps: FrameSteps;
  readonly #handles: EntityHandles;
  #room: Values = {};
  #entities = new Map<string, SentEntity>();
  #reset = true;

  /**
   * @param fields the game's field table (room-visibility.ts): the names frames carry, by index
   * @param handles the room's table, shared by all its trackers (a tracker alone: its own)
   * @param steps the fields rounded before they are compared and sent
   */
  constructor(
    fields: FieldTable,
    handles: EntityHandles = new EntityHandles(),
    steps: FrameSteps = NO_STEPS,
  ) {
    this.#fields = fields;
    this.#handles = handles;
    this.#steps = steps;
  }

  /** The next frame sends the whole state with the reset flag (after a restore). */
  forceReset(): void {
    this.#reset = true;
  }

  /** A tracker that has sent what this one has (its next frame continues from there). */
  clone(): RoomDeltaTracker {
    const copy = new RoomDeltaTracker(this.#fields, this.#handles, this.#steps);
    copy.#reset = this.#reset;
    copy.#room = copyValues(this.#room);
    for (const [id, e] of this.#entities)
      copy.#entities.set(id, { source: e.source, sent: copyValues(e.sent), handle: e.handle });
    return copy;
  }

  /** The changes since the previous call, or undefined when nothing changed. */
  delta(state: StateLike, tick: number): RoomFrame | undefined {
    const fields = this.#fields;
    const steps = this.#steps;
    if (this.#reset) {
      this.#reset = false;
      this.#room = sentCopy(fields.r, steps.r, state.room);
      this.#entities = new Map();
      const frame = fullFrame(state, tick, this.#handles, fields, steps);
      // Its handles are the ones the frame announced (the room's table gives an id the same one).
      for (const [id, v] of state.entities)
        this.#entities.set(id, {
          source: v,
          sent: sentCopy(fields.e, steps.e, v),
          handle: this.#handles.of(id),
        });
      return frame;
    }
    const frame: RoomFrame = { v: ROOM_FRAME_VERSION, t: tick };
    let changed = false;
    const r = diff(fields.r, steps.r, this.#room, state.room);
    if (r) {
      frame.r = r;
      changed = true;
    }
    const known = this.#entities;
    for (const [id, values] of state.entities) {
      const before = known.get(id);
      if (before === undefined) {
        const handle = this.#handles.of(id);
        known.set(id, { source: values, sent: sentCopy(fields.e, steps.e, values), handle });
        (frame.n ??= {})[id] = handle;
        (frame.e ??= []).push(handle, sentValues(fields.e, steps.e, values) ?? [0]);
        changed = true;
        continue;
      }
      if (before.source === values) continue;
      before.source = values;
      const d = diff(fields.e, steps.e, before.sent, values);
      if (!d) continue;
      (frame.e ??= []).push(before.handle, d);
      changed = true;
    }
    // Every entity in the state is known by now: more known than present means some are gone.
    if (known.size > state.entities.size)
      for (const [id, gone] of known)
        if (!state.entities.has(id)) {
          known.delete(id);
          (frame.x ??= []).push(gone.handle);
          changed = true;
        }
    return changed ? frame : undefined;
  }
}

/**
 * The fields of `after` (those of the table `names`) that differ from `sent`, as the frame's
 * `[mask, ...values]`, or undefined; `sent` takes them (it is then what was sent).
 */
function diff(
  names: readonly string[],
  steps: readonly number[],
  sent: Values,
  after: Values,
): FieldValues | undefined {
  let out: FieldValues | undefined;
  let mask = 0;
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (after[k] === undefined) continue;
    const v = stepped(after[k], steps[i]);
    if (sameValue(sent[k], v)) continue;
    const copy = Array.isArray(v) ? v.slice() : v;
    sent[k] = copy;
    mask += 2 ** i;
    (out ??= [0]).push(copy);
  }
  if (out) out[0] = mask;
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

/**
 * A frame with the whole state and the reset flag (a player that joins or resumes gets one): the
 * field table `fields`, and every entity announced with its handle in `handles`, the room's table,
 * so the deltas that follow (the room's shared tracker's) name them alike.
 */
export function fullFrame(
  state: StateLike,
  tick: number,
  handles: EntityHandles,
  fields: FieldTable,
  steps: FrameSteps = NO_STEPS,
): RoomFrame {
  const n: Record<string, number> = {};
  const e: (number | FieldValues)[] = [];
  for (const [id, v] of state.entities) {
    const handle = handles.of(id);
    n[id] = handle;
    e.push(handle, sentValues(fields.e, steps.e, v) ?? [0]);
  }
  const frame: RoomFrame = { v: ROOM_FRAME_VERSION, t: tick, reset: true, f: fields, n, e };
  const r = sentValues(fields.r, steps.r, state.room);
  if (r) frame.r = r;
  return frame;
}
