/**
 * @module The binary tick frame of wire format v2: one frame per client per tick, carrying the ack
 * of its last applied command and its view changes, with compact player handles and quantized
 * positions instead of MessagePack strings and float64s. Little-endian, fixed layout:
 *
 * | bytes | field |
 * | --- | --- |
 * | 1 | `0xc1` — a byte MessagePack never uses, so no other message starts with it |
 * | 1 | version (2) |
 * | 1 | type ({@link MessageType.Tick}) |
 * | 1 | flags: bit 0 ack present, bit 1 reset view; other bits must be 0 |
 * | 4 | tick (uint32) |
 * | 8 | with the ack flag: seq (uint32), own x, own y (uint16 each, quantized) |
 * | 2 + 2n | left: count, then n handles (uint16) |
 * | 2 + n × (8 + id) | entered: count, then n × handle, x, y (uint16 each), id length (uint16), id (UTF-8) |
 * | 2 + 6n | moved: count, then n × handle, x, y (uint16 each) |
 *
 * The header (up to byte 16) is the receiver's own; the three sections (the body) may be encoded
 * once and shared by every viewer of a region. A position is `round(v / step)` clamped to
 * 0 … 65535, where `step` (the welcome's `positionStep`) is at least the zone's extent / 65535.
 */
import { DecodeFailure, GameProtocolError } from './errors.ts';
import { MAX_STRING_BYTES, MAX_STRING_LENGTH } from './layouts.ts';
import {
  GAME_PROTOCOL_VERSION,
  MessageType,
  type EnteredEntity,
  type MovedEntity,
  type TickAck,
  type TickMessage,
} from './messages.ts';

/** The first byte of every tick frame (never the first byte of a MessagePack message). */
export const TICK_FRAME_MARKER = 0xc1;
/** Bits of a tick frame's flags byte. */
export const TickFlag = { Ack: 1, Reset: 2 } as const;
export type TickFlag = (typeof TickFlag)[keyof typeof TickFlag];
/** Marker, version, type, flags, tick. */
export const TICK_HEADER_BYTES = 8;
/** Seq, x, y of the folded ack. */
export const TICK_ACK_BYTES = 8;
/** The largest header: the receiver's part of a frame. */
export const MAX_TICK_HEADER_BYTES = TICK_HEADER_BYTES + TICK_ACK_BYTES;
/** The largest quantized coordinate and the largest handle. */
export const MAX_QUANTIZED = 0xffff;
export const MAX_HANDLE = 0xffff;
/** An empty body: three zero counts. */
export const EMPTY_TICK_BODY_BYTES = 6;

const ENTERED_FIXED_BYTES = 8;
const MOVED_BYTES = 6;
const KNOWN_FLAGS = TickFlag.Ack | TickFlag.Reset;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * The quantization step used on the wire: the configured one, coarsened when the zone is too
 * large for 65,536 steps per axis.
 */
export function positionStepFor(width: number, height: number, requested: number): number {
  return Math.max(requested, width / MAX_QUANTIZED, height / MAX_QUANTIZED);
}

/** A world coordinate as a quantized uint16. */
export function quantize(value: number, step: number): number {
  const q = Math.round(value / step);
  return q < 0 ? 0 : q > MAX_QUANTIZED ? MAX_QUANTIZED : q;
}

/** A quantized coordinate back in world units (within `step / 2` of what was quantized). */
export function dequantize(q: number, step: number): number {
  return q * step;
}

/** A player id as the bytes an entered entry carries. */
export function encodeHandleId(id: string): Uint8Array {
  const bytes = utf8Encoder.encode(id);
  if (bytes.length > MAX_STRING_BYTES || id.length > MAX_STRING_LENGTH)
    throw new GameProtocolError('GAME_PROTOCOL_TOO_LARGE', `player id of ${bytes.length} bytes`, {
      reason: DecodeFailure.StringTooLong,
    });
  return bytes;
}

type Alloc = (bytes: number) => Uint8Array;

/** Resets (ticks) between checks whether a {@link TickBodyWriter} holds far more than it uses. */
export const BODY_SHRINK_CHECK_RESETS = 4;

/**
 * Writes tick bodies (left, entered, moved) into one growing buffer that is reused tick after
 * tick: a body is a range of {@link bytes}, copied into frames before the next {@link reset}.
 * `alloc` lets Node hand out `Buffer`s (whose `copy` needs no view object).
 */
export class TickBodyWriter {
  bytes: Uint8Array;
  #view: DataView;
  #alloc: Alloc;
  length = 0;
  #countAt = -1;
  #count = 0;

  readonly #initialBytes: number;
  /** Most bytes written in one tick since the last capacity check, and resets since then. */
  #peak = 0;
  #resets = 0;

  constructor(alloc: Alloc = (n) => new Uint8Array(n), initialBytes = 16 * 1024) {
    this.#alloc = alloc;
    this.#initialBytes = initialBytes;
    this.bytes = alloc(initialBytes);
    this.#view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * Forgets every body written (their bytes must have been copied out). Every
   * {@link BODY_SHRINK_CHECK_RESETS} resets it also gives back capacity it no longer needs: a
   * crowd entering each other's view at once (every id in every entered list) grows the buffer to
   * hundreds of KB, where a zone that then only moves writes a few, and every zone kept its peak
   * for life — 3 KB per player in zones of 100 (a heap snapshot of `bench:game`). Checked over a
   * few ticks, not every one, so a zone with joins in every other tick does not reallocate on
   * each; a burst costs one allocation the size of the tick's frames, which are allocated anyway.
   */
  reset(): void {
    if (this.length > this.#peak) this.#peak = this.length;
    this.length = 0;
    if (++this.#resets < BODY_SHRINK_CHECK_RESETS) return;
    if (this.bytes.length > 4 * this.#initialBytes && 4 * this.#peak < this.bytes.length)
      this.#replace(this.#alloc(Math.max(this.#initialBytes, 2 * this.#peak)));
    this.#peak = 0;
    this.#resets = 0;
  }

  #room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = this.#alloc(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.#replace(next);
  }

  #replace(next: Uint8Array): void {
    this.bytes = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Starts a section (left, entered or moved, in that order): its count is filled in at the end. */
  section(): void {
    this.#room(2);
    this.#countAt = this.length;
    this.#count = 0;
    this.length += 2;
  }

  endSection(): void {
    this.#view.setUint16(this.#countAt, this.#count, true);
  }

  left(handle: number): void {
    this.#room(2);
    this.#view.setUint16(this.length, handle, true);
    this.length += 2;
    this.#count++;
  }

  entered(handle: number, qx: number, qy: number, id: Uint8Array): void {
    this.#room(ENTERED_FIXED_BYTES + id.length);
    const v = this.#view;
    const at = this.length;
    v.setUint16(at, handle, true);
    v.setUint16(at + 2, qx, true);
    v.setUint16(at + 4, qy, true);
    v.setUint16(at + 6, id.length, true);
    this.bytes.set(id, at + 8);
    this.length = at + 8 + id.length;
    this.#count++;
  }

  moved(handle: number, qx: number, qy: number): void {
    this.#room(MOVED_BYTES);
    const v = this.#view;
    const at = this.length;
    v.setUint16(at, handle, true);
    v.setUint16(at + 2, qx, true);
    v.setUint16(at + 4, qy, true);
    this.length = at + 6;
    this.#count++;
  }
}

/** The header's size for these flags. */
export function tickHeaderBytes(flags: number): number {
  return (flags & TickFlag.Ack) !== 0 ? MAX_TICK_HEADER_BYTES : TICK_HEADER_BYTES;
}

/**
 * Writes a frame header at `at` of `out` (through `view`, which covers `out`) and returns where the
 * body goes. The tick is written modulo 2³² (about 6.8 years at 20 Hz).
 */
export function writeTickHeader(
  out: Uint8Array,
  view: DataView,
  at: number,
  tick: number,
  flags: number,
  seq = 0,
  qx = 0,
  qy = 0,
): number {
  out[at] = TICK_FRAME_MARKER;
  out[at + 1] = GAME_PROTOCOL_VERSION;
  out[at + 2] = MessageType.Tick;
  out[at + 3] = flags;
  view.setUint32(at + 4, tick >>> 0, true);
  if ((flags & TickFlag.Ack) === 0) return at + TICK_HEADER_BYTES;
  view.setUint32(at + 8, seq >>> 0, true);
  view.setUint16(at + 12, qx, true);
  view.setUint16(at + 14, qy, true);
  return at + MAX_TICK_HEADER_BYTES;
}

const isU16 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
const isU32 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;

function invalid(field: string): never {
  throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', `field ${field} is invalid`, {
    reason: DecodeFailure.InvalidValue,
    field,
  });
}

/** Encodes a {@link TickMessage} (tests, tools; the server writes bodies once per region instead). */
export function encodeTick(message: TickMessage): Uint8Array {
  if (!isU32(message.tick)) invalid('tick');
  const ack = message.ack;
  if (ack && (!isU32(ack.seq) || !isU16(ack.qx) || !isU16(ack.qy))) invalid('ack');
  const body = new TickBodyWriter(undefined, 256);
  body.section();
  for (const h of message.left) {
    if (!isU16(h)) invalid('left');
    body.left(h);
  }
  body.endSection();
  body.section();
  for (const e of message.entered) {
    if (!Array.isArray(e) || e.length !== 4 || !isU16(e[0]) || typeof e[1] !== 'string') invalid('entered');
    if (!isU16(e[2]) || !isU16(e[3])) invalid('entered');
    body.entered(e[0], e[2], e[3], encodeHandleId(e[1]));
  }
  body.endSection();
  body.section();
  for (const m of message.moved) {
    if (!Array.isArray(m) || m.length !== 3 || !isU16(m[0]) || !isU16(m[1]) || !isU16(m[2])) invalid('moved');
    body.moved(m[0], m[1], m[2]);
  }
  body.endSection();
  const flags = (ack ? TickFlag.Ack : 0) | (message.reset ? TickFlag.Reset : 0);
  const out = new Uint8Array(tickHeaderBytes(flags) + body.length);
  const view = new DataView(out.buffer);
  const at = writeTickHeader(out, view, 0, message.tick, flags, ack?.seq, ack?.qx, ack?.qy);
  out.set(body.bytes.subarray(0, body.length), at);
  return out;
}

/** A bounds-checked little-endian reader over one frame. */
class TickReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get left(): number {
    return this.bytes.length - this.at;
  }
  malformed(reason: DecodeFailure, message: string, extra: object = {}): never {
    throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', message, { reason, offset: this.at, ...extra });
  }
  take(n: number): number {
    if (n > this.left) this.malformed(DecodeFailure.Truncated, `needs ${n} bytes, ${this.left} left`);
    const start = this.at;
    this.at += n;
    return start;
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  /** A section count whose entries the bytes left can hold at `minBytes` each. */
  count(name: string, minBytes: number): number {
    const n = this.u16();
    if (n * minBytes > this.left)
      this.malformed(DecodeFailure.Truncated, `${name} declares ${n} entries, ${this.left} bytes left`, {
        count: n,
      });
    return n;
  }
}

/**
 * The header of a tick frame only — tick and ack — for a client that does not track others (a
 * bot, a load generator): no body is read. Returns undefined when `bytes` is not a tick frame.
 */
export function peekTickAck(bytes: Uint8Array): { tick: number; ack: TickAck | undefined } | undefined {
  if (bytes.length < TICK_HEADER_BYTES || bytes[0] !== TICK_FRAME_MARKER) return undefined;
  if (bytes[1] !== GAME_PROTOCOL_VERSION || bytes[2] !== MessageType.Tick) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tick = view.getUint32(4, true);
  if ((bytes[3]! & TickFlag.Ack) === 0 || bytes.length < MAX_TICK_HEADER_BYTES)
    return { tick, ack: undefined };
  return {
    tick,
    ack: { seq: view.getUint32(8, true), qx: view.getUint16(12, true), qy: view.getUint16(14, true) },
  };
}

/**
 * Reads a tick frame strictly: the marker, version, type and flags are checked, every count is
 * checked against the bytes left before an entry is read, ids are valid UTF-8 of at most
 * {@link MAX_STRING_BYTES} bytes, and nothing may follow the moved section.
 * @throws GameProtocolError `GAME_PROTOCOL_MALFORMED`, `_TOO_LARGE` or `_VERSION`.
 */
export function readTick(bytes: Uint8Array): TickMessage {
  const r = new TickReader(bytes);
  r.take(1);
  const version = bytes[r.take(1)]!;
  if (version !== GAME_PROTOCOL_VERSION)
    throw new GameProtocolError('GAME_PROTOCOL_VERSION', `unsupported protocol version ${version}`, {
      reason: DecodeFailure.InvalidValue,
      offset: 1,
      version,
    });
  const type = bytes[r.take(1)]!;
  if (type !== MessageType.Tick)
    throw new GameProtocolError('GAME_PROTOCOL_UNKNOWN_TYPE', `unknown binary message type ${type}`, {
      reason: DecodeFailure.InvalidValue,
      offset: 2,
      type,
    });
  const flags = bytes[r.take(1)]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) r.malformed(DecodeFailure.InvalidValue, `unknown tick flags ${flags}`);
  const tick = r.view.getUint32(r.take(4), true);
  let ack: TickAck | undefined;
  if ((flags & TickFlag.Ack) !== 0) {
    const at = r.take(TICK_ACK_BYTES);
    ack = {
      seq: r.view.getUint32(at, true),
      qx: r.view.getUint16(at + 4, true),
      qy: r.view.getUint16(at + 6, true),
    };
  }
  const left: number[] = [];
  for (let n = r.count('left', 2); n > 0; n--) left.push(r.u16());
  const entered: EnteredEntity[] = [];
  for (let n = r.count('entered', ENTERED_FIXED_BYTES); n > 0; n--) {
    const at = r.take(ENTERED_FIXED_BYTES);
    const length = r.view.getUint16(at + 6, true);
    if (length > MAX_STRING_BYTES)
      throw new GameProtocolError('GAME_PROTOCOL_TOO_LARGE', `entered id declares ${length} bytes`, {
        reason: DecodeFailure.StringTooLong,
        offset: at + 6,
        bytes: length,
        maxBytes: MAX_STRING_BYTES,
      });
    const start = r.take(length);
    let id: string;
    try {
      id = utf8.decode(bytes.subarray(start, start + length));
    } catch {
      r.at = start;
      return r.malformed(DecodeFailure.InvalidUtf8, 'entered id is not valid UTF-8');
    }
    entered.push([
      r.view.getUint16(at, true),
      id,
      r.view.getUint16(at + 2, true),
      r.view.getUint16(at + 4, true),
    ]);
  }
  const moved: MovedEntity[] = [];
  for (let n = r.count('moved', MOVED_BYTES); n > 0; n--) {
    const at = r.take(MOVED_BYTES);
    moved.push([r.view.getUint16(at, true), r.view.getUint16(at + 2, true), r.view.getUint16(at + 4, true)]);
  }
  if (r.left !== 0) r.malformed(DecodeFailure.TrailingBytes, `${r.left} bytes after the moved section`);
  return { type: MessageType.Tick, tick, ack, reset: (flags & TickFlag.Reset) !== 0, left, entered, moved };
}
