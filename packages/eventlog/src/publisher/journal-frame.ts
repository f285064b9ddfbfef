/**
 * @module Spill-journal framing: each record is `[u32 length][u32 crc32][body]`, so a reader can
 * tell a complete record from a torn or corrupted one and stop exactly at the last good frame.
 */
import { crc32 } from 'node:zlib';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord } from '../port/event-log.ts';

/** Bytes before each body: length and CRC-32 of the body, both little-endian u32. */
export const FRAME_HEADER_BYTES = 8;
/** Version of the body layout, its first byte. */
const BODY_VERSION = 1;
/** Longest id, key or type a frame can hold (u16 length). */
export const MAX_FRAME_STRING_BYTES = 0xffff;
/** A frame claiming more than this is treated as corruption, not a record. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024; // 64 MiB

// body: [u8 version][f64 time][u16 id][u16 key][u16 type] then the three strings, then the payload.
const BODY_FIXED_BYTES = 1 + 8 + 2 + 2 + 2;

/** Size of the frame {@link writeFrame} produces for `record`. */
export function frameSize(record: AppendRecord): number {
  return (
    FRAME_HEADER_BYTES +
    BODY_FIXED_BYTES +
    Buffer.byteLength(record.id) +
    Buffer.byteLength(record.key) +
    Buffer.byteLength(record.type) +
    record.payload.length
  );
}

/** Throws unless `record` fits a frame (id, key and type have u16 lengths): checked at publish, not at write. */
export function assertFrameable(record: AppendRecord): void {
  for (const value of [record.id, record.key, record.type]) {
    if (
      typeof value !== 'string' ||
      (value.length * 3 > MAX_FRAME_STRING_BYTES && Buffer.byteLength(value) > MAX_FRAME_STRING_BYTES)
    ) {
      throw new EventLogError(
        'EVLOG_INVALID_ARGUMENT',
        'record id, key and type must be strings of at most 65535 bytes',
      );
    }
  }
  if (!(record.payload instanceof Uint8Array))
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'record payload must be bytes');
}

/** Encodes records as consecutive frames in one buffer. */
export function encodeFrames(records: readonly AppendRecord[]): Buffer {
  let total = 0;
  for (const record of records) total += frameSize(record);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const record of records) at = writeFrame(out, at, record);
  return out;
}

function writeFrame(out: Buffer, start: number, record: AppendRecord): number {
  const body = start + FRAME_HEADER_BYTES;
  let at = body;
  out.writeUInt8(BODY_VERSION, at);
  out.writeDoubleLE(record.time ?? Number.NaN, at + 1);
  const idLength = out.write(record.id, at + BODY_FIXED_BYTES);
  const keyLength = out.write(record.key, at + BODY_FIXED_BYTES + idLength);
  const typeLength = out.write(record.type, at + BODY_FIXED_BYTES + idLength + keyLength);
  out.writeUInt16LE(idLength, at + 9);
  out.writeUInt16LE(keyLength, at + 11);
  out.writeUInt16LE(typeLength, at + 13);
  at += BODY_FIXED_BYTES + idLength + keyLength + typeLength;
  out.set(record.payload, at);
  at += record.payload.length;
  out.writeUInt32LE(at - body, start);
  out.writeUInt32LE(crc32(out.subarray(body, at)), start + 4);
  return at;
}

/** The outcome of parsing frames from a buffer. */
export interface ParsedFrames {
  records: AppendRecord[];
  /** Bytes consumed by the complete, valid frames returned. */
  bytes: number;
  /**
   * Why parsing stopped before the end of the buffer: `partial` (the next frame continues past
   * the buffer: read more), `corrupt` (bad length, checksum or layout). Undefined when every
   * byte was consumed or `max` records were returned.
   */
  stop?: { reason: 'partial'; needBytes: number } | { reason: 'corrupt'; detail: string };
}

/** Parses up to `max` frames from the start of `buffer`. */
export function parseFrames(buffer: Buffer, max: number = Number.POSITIVE_INFINITY): ParsedFrames {
  const records: AppendRecord[] = [];
  let at = 0;
  while (records.length < max && at < buffer.length) {
    if (buffer.length - at < FRAME_HEADER_BYTES) {
      return { records, bytes: at, stop: { reason: 'partial', needBytes: FRAME_HEADER_BYTES } };
    }
    const length = buffer.readUInt32LE(at);
    if (length < BODY_FIXED_BYTES || length > MAX_FRAME_BYTES) {
      return { records, bytes: at, stop: { reason: 'corrupt', detail: `frame length ${length}` } };
    }
    if (buffer.length - at < FRAME_HEADER_BYTES + length) {
      return { records, bytes: at, stop: { reason: 'partial', needBytes: FRAME_HEADER_BYTES + length } };
    }
    const body = buffer.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
    if (crc32(body) !== buffer.readUInt32LE(at + 4)) {
      return { records, bytes: at, stop: { reason: 'corrupt', detail: 'checksum mismatch' } };
    }
    const record = readBody(body);
    if (typeof record === 'string')
      return { records, bytes: at, stop: { reason: 'corrupt', detail: record } };
    records.push(record);
    at += FRAME_HEADER_BYTES + length;
  }
  return { records, bytes: at };
}

/** Decodes one body, or returns why it is not a record. */
function readBody(body: Buffer): AppendRecord | string {
  if (body.readUInt8(0) !== BODY_VERSION) return `unknown frame version ${body.readUInt8(0)}`;
  const time = body.readDoubleLE(1);
  const idEnd = BODY_FIXED_BYTES + body.readUInt16LE(9);
  const keyEnd = idEnd + body.readUInt16LE(11);
  const typeEnd = keyEnd + body.readUInt16LE(13);
  if (typeEnd > body.length) return 'string lengths overrun the frame';
  // A view, not a copy: each read allocates its own buffer, so the records of a batch share it
  // (one allocation per batch instead of one per record, which matters to the GC while draining).
  const payload = new Uint8Array(body.buffer, body.byteOffset + typeEnd, body.length - typeEnd);
  const record: AppendRecord = {
    id: body.toString('utf8', BODY_FIXED_BYTES, idEnd),
    key: body.toString('utf8', idEnd, keyEnd),
    type: body.toString('utf8', keyEnd, typeEnd),
    payload,
  };
  if (!Number.isNaN(time)) record.time = time;
  return record;
}
