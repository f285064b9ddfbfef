/**
 * @module The hot inbound message read without allocating: a Move arrives ten times a second from
 * every player, and the general strict decoder builds a reader, a message object and a view per
 * message for it. {@link readMoveInto} accepts exactly the bytes `encodeMessage` writes for a
 * well-formed Move (`[version, Move, seq, tick, x, y]`) and fills a caller's record; anything else
 * — another type, an odd encoding, a bad value — is left to the strict decoder, which says what is
 * wrong with it.
 */
import { GAME_PROTOCOL_VERSION, MessageType } from './messages.ts';

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
