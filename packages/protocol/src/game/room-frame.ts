/**
 * @module The generic delta frame of a rules room and a client's reader of it, shared by the game
 * server (which encodes one per tick) and the SDK (which applies them). A frame is
 * `{ v, t, reset?, r?, n?, e?, x? }`: the room fields that changed; the entities new to the
 * receiver's stream, each announced once with the small integer handle the frames then name it
 * by (`n`: id → handle); per entity handle the fields that changed (every field for an entity new
 * to the view); and the handles of the entities gone. A handle is 1 byte on the wire where an id
 * was ~10: the largest part of a moved entity's update once positions took 5 bytes. Also the
 * encoding of a room command's payload inside a {@link MessageType.RoomCommand}.
 */
import { Packr } from 'msgpackr';

/** Bumped when the frame's shape changes (2: entities named by handle, announced in `n`). */
export const ROOM_FRAME_VERSION = 2;

type Values = Record<string, unknown>;

/** One frame of a rules room. */
export interface RoomFrame {
  v: typeof ROOM_FRAME_VERSION;
  /** The room's tick. */
  t: number;
  /** The receiver must forget what it holds, its handles too: this frame carries the whole state. */
  reset?: true;
  /** Room fields that changed. */
  r?: Record<string, unknown>;
  /**
   * Entities this frame brings into the receiver's view, id → handle: from here on (until the
   * handle is in `x`, or a reset) frames name the entity by its handle.
   */
  n?: Record<string, number>;
  /** Pairs `handle, fields`: each entity's fields that changed (all of them when it is new). */
  e?: (number | Values)[];
  /** Handles of the entities gone (their handles are free from the next frame on). */
  x?: number[];
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
  if (typeof f !== 'object' || f === null || !Number.isSafeInteger(f.t)) throw new RangeError('not a room frame');
  if (f.v !== ROOM_FRAME_VERSION)
    throw new RangeError(`room frame version ${String(f.v)}; this reader reads version ${ROOM_FRAME_VERSION}`);
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
  try {
    return packr.unpack(bytes);
  } catch {
    return undefined;
  }
}

/** What a client knows of a room, kept up to date frame by frame: entities by id, whatever the handles. */
export class RoomView {
  tick = 0;
  room: Values = {};
  readonly entities = new Map<string, Values>();
  /** The handles the stream has announced and not yet taken back, handle → id. */
  readonly #ids = new Map<number, string>();

  /**
   * Applies a frame; returns its changes with entities named by id. Throws a RangeError (and
   * changes nothing of the entities) on a handle the stream never announced.
   */
  apply(frame: RoomFrame): RoomChanges {
    const ids = this.#ids;
    if (frame.reset) {
      this.room = {};
      this.entities.clear();
      ids.clear();
    }
    const updates = frame.e ?? [];
    // Checked before anything is applied: a bad frame leaves the view as it was.
    if (updates.length > 0) {
      const announced = new Set(frame.n ? Object.values(frame.n) : []);
      const gone = new Set(frame.x);
      for (let i = 0; i < updates.length; i += 2) {
        const handle = updates[i] as number;
        if (!announced.has(handle) && (!ids.has(handle) || gone.has(handle)))
          throw new RangeError(`room frame names entity handle ${String(handle)}, not announced`);
      }
    }
    this.tick = frame.t;
    const changes: RoomChanges = {};
    if (frame.r) Object.assign(this.room, (changes.r = frame.r));
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
        const values = updates[i + 1] as Values;
        e[id] = values;
        const known = this.entities.get(id);
        if (known) Object.assign(known, values);
        else this.entities.set(id, { ...values });
      }
    }
    return changes;
  }
}
