/**
 * @module The on-disk record frame: `u32 bodyLength | u32 crc32(body) | body`, little-endian.
 * Body: `u8 version | u64 offset | f64 time | u16+key | u16+id | u16+type | payload (the rest)`.
 * The offset inside the body lets a scan tell lost records from a clean run and resynchronise
 * after a damaged frame.
 */
import { crc32 } from 'node:zlib';
import type { AppendRecord, LogRecord } from '../port/event-log.ts';
import { MAX_PAYLOAD_BYTES } from './options.ts';

export const FRAME_HEADER_BYTES = 8;
export const FRAME_VERSION = 0xa1;
const BODY_FIXED_BYTES = 1 + 8 + 8 + 2 + 2 + 2;
export const MIN_FRAME_BYTES = FRAME_HEADER_BYTES + BODY_FIXED_BYTES;
const MAX_STRING_BYTES = 0xffff;
export const MAX_BODY_BYTES = BODY_FIXED_BYTES + 3 * MAX_STRING_BYTES + MAX_PAYLOAD_BYTES;
const TWO_POW_32 = 2 ** 32;
// UTF-8 needs at most 3 bytes per UTF-16 code unit, so this bounds a string's encoded size.
const MAX_UTF8_PER_UNIT = 3;

/** {@link checkFrame} result: the frame runs past the bytes available. */
export const FRAME_SHORT = -1;
/** {@link checkFrame} result: not a valid frame (length out of range, version or checksum wrong). */
export const FRAME_BAD = -2;

/** An upper bound of the bytes {@link writeFrame} uses for `record`. */
export function frameUpperBound(record: AppendRecord): number {
  return (
    MIN_FRAME_BYTES +
    MAX_UTF8_PER_UNIT * (record.key.length + record.id.length + record.type.length) +
    record.payload.byteLength
  );
}

/** Why `record` cannot be stored, or undefined when it can. */
export function invalidRecordReason(record: AppendRecord): string | undefined {
  if (typeof record !== 'object' || record === null) return 'a record must be an object';
  if (typeof record.id !== 'string' || record.id === '') return 'id must be a non-empty string';
  if (typeof record.key !== 'string') return 'key must be a string';
  if (typeof record.type !== 'string') return 'type must be a string';
  if (!(record.payload instanceof Uint8Array)) return 'payload must be a Uint8Array';
  if (record.payload.byteLength > MAX_PAYLOAD_BYTES) return `payload is over ${MAX_PAYLOAD_BYTES} bytes`;
  if (record.time !== undefined && !Number.isFinite(record.time)) return 'time must be a finite number';
  for (const s of [record.id, record.key, record.type]) {
    if (s.length * MAX_UTF8_PER_UNIT > MAX_STRING_BYTES && Buffer.byteLength(s) > MAX_STRING_BYTES)
      return `id, key and type must each encode to at most ${MAX_STRING_BYTES} bytes`;
  }
  return undefined;
}

function writeString(buf: Buffer, pos: number, value: string): number {
  const n = buf.write(value, pos + 2);
  buf.writeUInt16LE(n, pos);
  return pos + 2 + n;
}

/** Writes one frame at `pos` (room must be {@link frameUpperBound}); returns the end position. */
export function writeFrame(
  buf: Buffer,
  pos: number,
  offset: number,
  time: number,
  record: AppendRecord,
): number {
  const body = pos + FRAME_HEADER_BYTES;
  buf[body] = FRAME_VERSION;
  buf.writeUInt32LE(offset % TWO_POW_32, body + 1);
  buf.writeUInt32LE(Math.floor(offset / TWO_POW_32), body + 5);
  buf.writeDoubleLE(time, body + 9);
  let p = writeString(buf, body + 17, record.key);
  p = writeString(buf, p, record.id);
  p = writeString(buf, p, record.type);
  buf.set(record.payload, p);
  const end = p + record.payload.byteLength;
  buf.writeUInt32LE(end - body, pos);
  // A plain Uint8Array view is cheaper to create than Buffer#subarray, and crc32 takes either.
  buf.writeUInt32LE(crc32(new Uint8Array(buf.buffer, buf.byteOffset + body, end - body)), pos + 4);
  return end;
}

/**
 * Validates the frame at `pos` within `buf[0, end)`: its end position, {@link FRAME_SHORT} when
 * more bytes are needed to decide, or {@link FRAME_BAD}.
 */
export function checkFrame(buf: Buffer, pos: number, end: number): number {
  if (end - pos < FRAME_HEADER_BYTES + 1) return FRAME_SHORT;
  const length = buf.readUInt32LE(pos);
  if (length < BODY_FIXED_BYTES || length > MAX_BODY_BYTES || buf[pos + FRAME_HEADER_BYTES] !== FRAME_VERSION)
    return FRAME_BAD;
  const frameEnd = pos + FRAME_HEADER_BYTES + length;
  if (frameEnd > end) return FRAME_SHORT;
  if (crc32(buf.subarray(pos + FRAME_HEADER_BYTES, frameEnd)) !== buf.readUInt32LE(pos + 4)) return FRAME_BAD;
  // A matching checksum over inconsistent string lengths would be a writer bug; refuse it anyway.
  let p = pos + FRAME_HEADER_BYTES + 17;
  for (let i = 0; i < 3; i++) {
    if (p + 2 > frameEnd) return FRAME_BAD;
    p += 2 + buf.readUInt16LE(p);
  }
  return p <= frameEnd ? frameEnd : FRAME_BAD;
}

/** The offset stored in the (checked) frame at `pos`. */
export function frameOffset(buf: Buffer, pos: number): number {
  const body = pos + FRAME_HEADER_BYTES;
  return buf.readUInt32LE(body + 1) + buf.readUInt32LE(body + 5) * TWO_POW_32;
}

/** The time stored in the (checked) frame at `pos`. */
export function frameTime(buf: Buffer, pos: number): number {
  return buf.readDoubleLE(pos + FRAME_HEADER_BYTES + 9);
}

function readString(buf: Buffer, pos: number): [string, number] {
  const n = buf.readUInt16LE(pos);
  return [buf.toString('utf8', pos + 2, pos + 2 + n), pos + 2 + n];
}

/** The id stored in the (checked) frame at `pos`. */
export function frameId(buf: Buffer, pos: number): string {
  const keyLength = buf.readUInt16LE(pos + FRAME_HEADER_BYTES + 17);
  return readString(buf, pos + FRAME_HEADER_BYTES + 19 + keyLength)[0];
}

/** Decodes the (checked) frame `buf[pos, end)`. The payload is a view into `buf`, not a copy. */
export function decodeFrame(buf: Buffer, pos: number, end: number): LogRecord {
  const [key, afterKey] = readString(buf, pos + FRAME_HEADER_BYTES + 17);
  const [id, afterId] = readString(buf, afterKey);
  const [type, afterType] = readString(buf, afterId);
  return {
    offset: frameOffset(buf, pos),
    id,
    key,
    type,
    time: frameTime(buf, pos),
    payload: buf.subarray(afterType, end),
  };
}
