/**
 * @module The generic delta frame of a rules room and a client's reader of it, shared by the game
 * server (which encodes one per tick) and the SDK (which applies them). A frame is
 * `{ v, t, reset?, f?, r?, n?, e?, x? }`: the room fields that changed; the entities new to the
 * receiver's stream, each announced once with the small integer handle the frames then name it
 * by (`n`: id → handle); per entity handle the fields that changed (every field for an entity new
 * to the view); and the handles of the entities gone. Fields are named by their index in the
 * game's declared state (declaration order, less the fields no frame carries), a table the reset
 * frame that starts every stream carries (`f`): a moved entity's update is its handle, a mask and
 * the values, with no name on the wire. Also the encoding of a room command's payload inside a
 * {@link MessageType.RoomCommand}.
 */
import { Packr } from 'msgpackr';
import { readFlatCommand } from './inbound-fast-paths.ts';

/**
 * Bumped when the frame's shape changes (2: entities named by handle, announced in `n`; 3: fields
 * named by index in the table `f` of the reset frame).
 */
export const ROOM_FRAME_VERSION = 3;

type Values = Record<string, unknown>;

/**
 * A record's fields on the wire: `[mask, ...values]`, bit i of the mask (2^i: up to
 * {@link MAX_FRAME_FIELDS} fields) set when field i of the table is carried, the values in
 * table order. `x` and `y` of a table `[x, y, score]`: `[3, x, y]`.
 */
export type FieldValues = unknown[];

/** Fields a table may hold: a mask is a safe integer (53 bits). */
export const MAX_FRAME_FIELDS = 53;

/** The names of the fields frames carry, in the game's declaration order: a field's index is its name on the wire. */
export interface FieldTable {
  /** The room's fields. */
  r: string[];
  /** An entity's fields. */
  e: string[];
}

/** One frame of a rules room. */
export interface RoomFrame {
  v: typeof ROOM_FRAME_VERSION;
  /** The room's tick. */
  t: number;
  /** The receiver must forget what it holds, its handles too: this frame carries the whole state. */
  reset?: true;
  /** The field table (reset frames only): what the indexes of `r` and `e` name until the next reset. */
  f?: FieldTable;
  /** Room fields that changed. */
  r?: FieldValues;
  /**
   * Entities this frame brings into the receiver's view, id → handle: from here on (until the
   * handle is in `x`, or a reset) frames name the entity by its handle.
   */
  n?: Record<string, number>;
  /** Pairs `handle, fields`: each entity's fields that changed (all of them when it is new). */
  e?: (number | FieldValues)[];
  /** Handles of the entities gone (their handles are free from the next frame on). */
  x?: number[];
}

/**
 * `values`' fields named in `names`, as {@link FieldValues} (undefined when none is there): the
 * encoding of a record the server builds and {@link readFieldValues} reads.
 */
export function fieldValues(names: readonly string[], values: Values): FieldValues | undefined {
  let mask = 0;
  const out: unknown[] = [0];
  for (let i = 0; i < names.length; i++) {
    const v = values[names[i]!];
    if (v === undefined) continue;
    mask += 2 ** i;
    out.push(v);
  }
  if (mask === 0) return undefined;
  out[0] = mask;
  return out;
}

/** Field values by name, or a RangeError when `wire` is not a record of `names`. */
export function readFieldValues(names: readonly string[], wire: unknown): Values {
  if (!Array.isArray(wire)) throw new RangeError('room frame field values are not a list');
  const mask = wire[0] as unknown;
  if (typeof mask !== 'number' || !Number.isSafeInteger(mask) || mask < 0 || mask >= 2 ** names.length)
    throw new RangeError('room frame field values do not fit the field table');
  const values: Values = {};
  let rest = mask;
  let at = 1;
  for (let i = 0; rest > 0; i++, rest = Math.floor(rest / 2))
    if (rest % 2 === 1) {
      if (at >= wire.length) throw new RangeError('room frame field values are short of their mask');
      values[names[i]!] = wire[at++];
    }
  if (at !== wire.length) throw new RangeError('room frame field values outnumber their mask');
  return values;
}

/** A frame's changes with entities named by id: what {@link RoomView.apply} made of it. */
export interface RoomChanges {
  r?: Values;
  /** Per entity id, its fields that changed (all of them when it is new). */
  e?: Record<string, Values>;
  /** Ids of the entities gone. */
  x?: string[];
}

// Plain maps, no records extension: a client in any language reads the frame with any msgpack.
const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeRoomFrame(frame: RoomFrame): Uint8Array {
  return packr.pack(frame);
}

/** Decodes a frame; throws a RangeError on anything that is not one (a frame of another version among them). */
export function decodeRoomFrame(bytes: Uint8Array): RoomFrame {
  const f = packr.unpack(bytes) as Partial<RoomFrame> | null;
  if (typeof f !== 'object' || f === null || !Number.isSafeInteger(f.t))
    throw new RangeError('not a room frame');
  if (f.v !== ROOM_FRAME_VERSION)
    throw new RangeError(
      `room frame version ${String(f.v)}; this reader reads version ${ROOM_FRAME_VERSION}`,
    );
  return f as RoomFrame;
}

/** A room command `{ type, …payload }` as the bytes of a RoomCommand message. */
export function encodeRoomCommand(command: { type: string } & Values): Uint8Array {
  return packr.pack(command);
}

/**
 * The command a RoomCommand carried, or undefined when its bytes are not MessagePack. Its shape
 * is the game's strict command decoder's to check; the bytes are already bounded by the message size.
 */
export function decodeRoomCommand(bytes: Uint8Array): unknown {
  const flat = readFlatCommand(bytes);
  if (flat !== undefined) return flat;
  try {
    return packr.unpack(bytes);
  } catch {
    return undefined;
  }
}

/** What a client knows of a room, kept up to date frame by frame: entities by id, fields by name, whatever the handles and indexes. */
export class RoomView {
  tick = 0;
  room: Values = {};
  readonly entities = new Map<string, Values>();
  /** The handles the stream has announced and not yet taken back, handle → id. */
  readonly #ids = new Map<number, string>();
  /** The field table of the stream's reset frame. */
  #fields: FieldTable | undefined;

  /**
   * Applies a frame; returns its changes with entities named by id and fields by name. Throws a
   * RangeError (and changes nothing) on a handle the stream never announced, on fields before any
   * table or that do not fit it, on a reset frame without its table.
   */
  apply(frame: RoomFrame): RoomChanges {
    const ids = this.#ids;
    const fields = frame.reset ? frame.f : this.#fields;
    if (frame.reset && !isFieldTable(fields))
      throw new RangeError('room reset frame without its field table');
    const updates = frame.e ?? [];
    // Read and checked before anything is applied: a bad frame leaves the view as it was.
    const room = frame.r === undefined ? undefined : readFieldValues(tableOf(fields).r, frame.r);
    const named: Values[] = [];
    if (updates.length > 0) {
      const announced = new Set(frame.n ? Object.values(frame.n) : []);
      const gone = new Set(frame.x);
      const entityFields = tableOf(fields).e;
      for (let i = 0; i < updates.length; i += 2) {
        const handle = updates[i] as number;
        if (!announced.has(handle) && (frame.reset || !ids.has(handle) || gone.has(handle)))
          throw new RangeError(`room frame names entity handle ${String(handle)}, not announced`);
        named.push(readFieldValues(entityFields, updates[i + 1]));
      }
    }
    if (frame.reset) {
      this.#fields = fields;
      this.room = {};
      this.entities.clear();
      ids.clear();
    }
    this.tick = frame.t;
    const changes: RoomChanges = {};
    if (room) Object.assign(this.room, (changes.r = room));
    // Gone before new: a handle taken back here may be announced again for another entity.
    if (frame.x) {
      const gone: string[] = (changes.x = []);
      for (const handle of frame.x) {
        const id = ids.get(handle);
        if (id === undefined) continue;
        ids.delete(handle);
        this.entities.delete(id);
        gone.push(id);
      }
    }
    if (frame.n) for (const id of Object.keys(frame.n)) ids.set(frame.n[id]!, id);
    if (updates.length > 0) {
      const e: Record<string, Values> = (changes.e = {});
      for (let i = 0; i < updates.length; i += 2) {
        const id = ids.get(updates[i] as number)!;
        const values = named[i / 2]!;
        e[id] = values;
        const known = this.entities.get(id);
        if (known) Object.assign(known, values);
        else this.entities.set(id, { ...values });
      }
    }
    return changes;
  }
}

const isNames = (names: unknown): names is string[] =>
  Array.isArray(names) && names.length <= MAX_FRAME_FIELDS && names.every((n) => typeof n === 'string');

function isFieldTable(f: unknown): f is FieldTable {
  return typeof f === 'object' && f !== null && isNames((f as FieldTable).r) && isNames((f as FieldTable).e);
}

function tableOf(fields: FieldTable | undefined): FieldTable {
  if (fields === undefined)
    throw new RangeError('room frame carries fields before any field table (a reset frame)');
  return fields;
}
