/**
 * @module A RoomFrame message written byte by byte: a rules room sends one to every player with an
 * ack, every tick, and msgpackr's general encoder spent more on each (its array walk, a view of its
 * buffer) than the few bytes are worth. The bytes are exactly msgpackr's for the same message
 * (`[version, RoomFrame, tick, ack, frame]`; the tests compare), so a replay that records and
 * compares encoded messages sees no difference. Ticks or acks outside 32 bits are left to msgpackr.
 */
import { GAME_PROTOCOL_VERSION, MessageType } from './messages.ts';

/** Bytes of a 32-bit integer as msgpackr writes it (fixint, then 8, 16 or 32 bits); 0 outside 32 bits. */
function intBytes(v: number): number {
  if (v >>> 0 === v) return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x1_0000 ? 3 : 5;
  if (v >> 0 === v) return v >= -0x20 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : 5;
  return 0;
}

/** Writes `v` (of `size` bytes, from {@link intBytes}) at `at`; returns where it ends. */
function writeInt(out: Buffer, at: number, v: number, size: number): number {
  if (size === 1) out[at] = v & 0xff;
  else if (v >= 0) {
    if (size === 2) out[at] = 0xcc;
    else if (size === 3) out[at] = 0xcd;
    else out[at] = 0xce;
    out.writeUIntBE(v, at + 1, size - 1);
  } else {
    if (size === 2) out[at] = 0xd0;
    else if (size === 3) out[at] = 0xd1;
    else out[at] = 0xd2;
    out.writeIntBE(v, at + 1, size - 1);
  }
  return at + size;
}

/** The RoomFrame message's bytes, or undefined when `tick` or `ack` is outside 32 bits (msgpackr's then). */
export function encodeRoomFrameMessage(tick: number, ack: number, frame: Uint8Array): Uint8Array | undefined {
  const tickBytes = intBytes(tick);
  const ackBytes = intBytes(ack);
  if (tickBytes === 0 || ackBytes === 0) return undefined;
  const n = frame.length;
  const binHeader = n < 0x100 ? 2 : n < 0x1_0000 ? 3 : 5;
  const out = Buffer.allocUnsafe(3 + tickBytes + ackBytes + binHeader + n);
  out[0] = 0x95;
  out[1] = GAME_PROTOCOL_VERSION;
  out[2] = MessageType.RoomFrame;
  let at = writeInt(out, 3, tick, tickBytes);
  at = writeInt(out, at, ack, ackBytes);
  out[at] = binHeader === 2 ? 0xc4 : binHeader === 3 ? 0xc5 : 0xc6;
  out.writeUIntBE(n, at + 1, binHeader - 1);
  out.set(frame, at + binHeader);
  return out;
}
