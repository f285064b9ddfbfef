/**
 * @module The generic delta frame of a rules room and a client's reader of it, shared by the game
 * server (which encodes one per tick) and the SDK (which applies them). A frame is
 * `{ v, t, reset?, r?, e?, x? }`: the room fields that changed, per entity the fields that changed
 * (every field for an entity new to the view), and the entities gone. Also the encoding of a
 * room command's payload inside a {@link MessageType.RoomCommand}.
 */
import { Packr } from 'msgpackr';

/** Bumped when the frame's shape changes. */
export const ROOM_FRAME_VERSION = 1;

/** One frame of a rules room. */
export interface RoomFrame {
  v: typeof ROOM_FRAME_VERSION;
  /** The room's tick. */
  t: number;
  /** The receiver must forget what it holds: this frame carries the whole state. */
  reset?: true;
  /** Room fields that changed. */
  r?: Record<string, unknown>;
  /** Per entity id, its fields that changed (all of them when it is new). */
  e?: Record<string, Record<string, unknown>>;
  /** Entities gone. */
  x?: string[];
}

type Values = Record<string, unknown>;

// Plain maps, no records extension: a client in any language reads the frame with any msgpack.
const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeRoomFrame(frame: RoomFrame): Uint8Array {
  return packr.pack(frame);
}

/** Decodes a frame; throws a RangeError on anything that is not one. */
export function decodeRoomFrame(bytes: Uint8Array): RoomFrame {
  const f = packr.unpack(bytes) as Partial<RoomFrame> | null;
  if (typeof f !== 'object' || f === null || f.v !== ROOM_FRAME_VERSION || !Number.isSafeInteger(f.t))
    throw new RangeError('not a room frame');
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

/** What a client knows of a room, kept up to date frame by frame. */
export class RoomView {
  tick = 0;
  room: Values = {};
  readonly entities = new Map<string, Values>();

  apply(frame: RoomFrame): void {
    if (frame.reset) {
      this.room = {};
      this.entities.clear();
    }
    this.tick = frame.t;
    if (frame.r) Object.assign(this.room, frame.r);
    for (const id of frame.x ?? []) this.entities.delete(id);
    for (const [id, values] of Object.entries(frame.e ?? {})) {
      const known = this.entities.get(id);
      if (known) Object.assign(known, values);
      else this.entities.set(id, { ...values });
    }
  }
}
