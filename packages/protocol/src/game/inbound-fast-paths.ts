/**
 * @module The hot inbound messages read without the general decoders' objects: a Move (zones) or
 * a RoomCommand (rules rooms) arrives ten times a second from every player, and the strict
 * decoder builds a reader, a message object and a view per message; msgpackr, for the command
 * inside a RoomCommand, a DataView it stores on the bytes. Each reader here accepts exactly the
 * common, well-formed encodings and returns what the general decoder would; anything else —
 * another type, an odd encoding, a bad value — is left to that decoder, which says what is wrong.
 */
import { GAME_PROTOCOL_VERSION, MessageType, type RoomCommandMessage } from './messages.ts';

/** A Move's fields, filled in place. */
export interface MoveFields {
  seq: number;
  tick: number;
  x: number;
  y: number;
}

// MessagePack numbers are big-endian; floats are read through a scratch buffer in host order.
const scratch = new Uint8Array(8);
const f64 = new Float64Array(scratch.buffer);
const f32 = new Float32Array(scratch.buffer, 0, 1);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Where the last number read ended, or -1 when its encoding is not one this fast path takes.
let end = -1;

/** The number at `at` (integer or float encodings), setting `end`; NaN with `end` -1 otherwise. */
function number(b: Uint8Array, at: number): number {
  const m = b[at]!;
  if (m <= 0x7f) return ((end = at + 1), m);
  if (m >= 0xe0) return ((end = at + 1), m - 0x100);
  switch (m) {
    case 0xcc:
      end = at + 2;
      return b[at + 1]!;
    case 0xcd:
      end = at + 3;
      return (b[at + 1]! << 8) | b[at + 2]!;
    case 0xce:
      end = at + 5;
      return b[at + 1]! * 0x100_0000 + ((b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!);
    case 0xd0:
      end = at + 2;
      return (b[at + 1]! << 24) >> 24;
    case 0xd1:
      end = at + 3;
      return (((b[at + 1]! << 8) | b[at + 2]!) << 16) >> 16;
    case 0xd2:
      end = at + 5;
      return (b[at + 1]! << 24) | (b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!;
    case 0xca:
      end = at + 5;
      for (let i = 0; i < 4; i++) scratch[littleEndianHost ? 3 - i : i] = b[at + 1 + i]!;
      return f32[0]!;
    case 0xcb:
      end = at + 9;
      for (let i = 0; i < 8; i++) scratch[littleEndianHost ? 7 - i : i] = b[at + 1 + i]!;
      return f64[0]!;
    default:
      end = -1;
      return NaN;
  }
}

/**
 * Fills `out` when `bytes` is exactly one well-formed Move of this protocol version and returns
 * true; returns false (with `out` unspecified) for anything else, which the caller decodes with
 * the strict decoder.
 */
export function readMoveInto(bytes: Uint8Array, out: MoveFields): boolean {
  const length = bytes.length;
  // fixarray of 6, fixint version, fixint type; the shortest move is 7 bytes, the longest 39.
  if (length < 7 || length > 39 || bytes[0] !== 0x96) return false;
  if (bytes[1] !== GAME_PROTOCOL_VERSION || bytes[2] !== MessageType.Move) return false;
  const seq = number(bytes, 3);
  if (end < 0 || end >= length || !Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) return false;
  const tick = number(bytes, end);
  if (end < 0 || end >= length || !Number.isSafeInteger(tick)) return false;
  const x = number(bytes, end);
  if (end < 0 || end >= length || !Number.isFinite(x)) return false;
  const y = number(bytes, end);
  if (end !== length || !Number.isFinite(y)) return false;
  out.seq = seq;
  out.tick = tick;
  out.x = x;
  out.y = y;
  return true;
}

/**
 * The RoomCommand in `bytes` when they are exactly one well-formed RoomCommand of this protocol
 * version (`[version, RoomCommand, seq, command]`, the command as bin 8 or bin 16); undefined for
 * anything else, which the caller decodes with the strict decoder. `command` is a view of `bytes`,
 * not a copy (the strict decoder's is one): read it before the message's handler returns.
 */
export function readRoomCommand(bytes: Uint8Array): RoomCommandMessage | undefined {
  const length = bytes.length;
  if (length < 6 || bytes[0] !== 0x94) return undefined;
  if (bytes[1] !== GAME_PROTOCOL_VERSION || bytes[2] !== MessageType.RoomCommand) return undefined;
  const seq = number(bytes, 3);
  if (end < 0 || end >= length || !Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) return undefined;
  let at = end;
  let size: number;
  if (bytes[at] === 0xc4 && at + 1 < length) size = bytes[(at += 2) - 1]!;
  else if (bytes[at] === 0xc5 && at + 2 < length) size = (bytes[at + 1]! << 8) | bytes[(at += 3) - 1]!;
  else return undefined;
  if (at + size !== length) return undefined;
  return { type: MessageType.RoomCommand, seq, command: bytes.subarray(at) };
}

/** Keys and strings this fast path builds itself (short ASCII; anything else goes to msgpackr). */
const MAX_FLAT_STRING = 32;
/** Entries of the flat command map it reads. */
const MAX_FLAT_ENTRIES = 16;

/**
 * Strings read before, by a hash of their bytes: a game's keys and command names recur in every
 * command, and building each again was a third of what a command's decoding allocated. A hash slot
 * holds one string and is overwritten on a clash; a hit is checked byte for byte.
 */
const STRING_SLOTS = 1024;
const strings: (string | undefined)[] = new Array<string | undefined>(STRING_SLOTS).fill(undefined);

/** The short ASCII string at `at` (fixstr or str 8), setting `end`; undefined with `end` -1 otherwise. */
function shortAscii(b: Uint8Array, at: number): string | undefined {
  const m = b[at]!;
  let size: number;
  if (m >= 0xa0 && m <= 0xbf) size = m - 0xa0;
  else if (m === 0xd9) size = b[++at] ?? MAX_FLAT_STRING + 1;
  else return ((end = -1), undefined);
  const start = at + 1;
  const stop = start + size;
  if (size > MAX_FLAT_STRING || stop > b.length) return ((end = -1), undefined);
  let hash = size;
  for (let i = start; i < stop; i++) {
    const c = b[i]!;
    if (c > 0x7f) return ((end = -1), undefined);
    hash = Math.imul(hash ^ c, 0x0100_0193);
  }
  end = stop;
  const slot = (hash >>> 0) % STRING_SLOTS;
  const known = strings[slot];
  if (known !== undefined && known.length === size) {
    let same = true;
    for (let i = 0; i < size && same; i++) same = known.charCodeAt(i) === b[start + i];
    if (same) return known;
  }
  let s = '';
  for (let i = start; i < stop; i++) s += String.fromCharCode(b[i]!);
  return (strings[slot] = s);
}

/** A scalar value (number, boolean, nil, short ASCII string) at `at`, setting `end` (-1: not one). */
function scalar(b: Uint8Array, at: number): unknown {
  const m = b[at]!;
  if (m === 0xc0) return ((end = at + 1), null);
  if (m === 0xc2 || m === 0xc3) return ((end = at + 1), m === 0xc3);
  if ((m >= 0xa0 && m <= 0xbf) || m === 0xd9) return shortAscii(b, at);
  return number(b, at);
}

/**
 * A room command `{ type, …payload }` as msgpackr (`useRecords: false`) unpacks it, when its bytes
 * are one flat map (fixmap or map 16, at most 16 entries) of short ASCII keys to numbers, booleans,
 * nil and short ASCII strings — what a game's commands nearly always are; undefined otherwise
 * (nested values, other encodings, a `__proto__` key, which msgpackr renames), for msgpackr to read.
 */
export function readFlatCommand(b: Uint8Array): Record<string, unknown> | undefined {
  const m = b[0];
  let entries: number;
  let at: number;
  if (m !== undefined && m >= 0x80 && m <= 0x8f) [entries, at] = [m - 0x80, 1];
  else if (m === 0xde && b.length >= 3) [entries, at] = [(b[1]! << 8) | b[2]!, 3];
  else return undefined;
  if (entries > MAX_FLAT_ENTRIES) return undefined;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries; i++) {
    if (at >= b.length) return undefined;
    const key = shortAscii(b, at);
    if (key === undefined || key === '__proto__' || end >= b.length) return undefined;
    const value = scalar(b, end);
    if (end < 0) return undefined;
    out[key] = value;
    at = end;
  }
  return at === b.length ? out : undefined;
}
