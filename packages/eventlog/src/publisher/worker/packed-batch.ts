/**
 * @module The bytes that cross from a publishing thread to the publisher's worker: a batch is a
 * pooled `ArrayBuffer` (transferred, not copied, and handed back once read) holding entries, each
 * a one-byte tag and its body. Tag {@link RECORD_TAG} is an encoded {@link AppendRecord}; tags from
 * {@link FIRST_CODEC_TAG} up belong to a {@link PackedCodec} that the worker turns into events.
 * Writing an entry allocates nothing: numbers go through a `DataView`, short ASCII strings byte by
 * byte ({@link BatchBuffer.writeString}), so a hot loop that publishes through a codec leaves nothing for the GC.
 */
import type { AppendRecord } from '../../port/event-log.ts';

/** An encoded record: id, key, type, time and payload as {@link writeRecord} lays them out. */
export const RECORD_TAG = 1;
/** The first tag a codec may use (tags below are the lane's own). */
export const FIRST_CODEC_TAG = 16;
/** Most tags: one byte. */
export const LAST_CODEC_TAG = 255;
/** Size of each pooled batch buffer. An entry larger than this gets a buffer of its own size. */
export const DEFAULT_BATCH_BYTES = 64 * 1024;

/**
 * One batch buffer and views over it, made once per buffer (not per entry). Strings are
 * `[u16 length][utf-8]`: {@link BatchBuffer.writeString} / {@link BatchBuffer.readString}.
 */
export class BatchBuffer {
  readonly buffer: ArrayBuffer;
  readonly view: DataView;
  readonly bytes: Buffer;

  constructor(buffer: ArrayBuffer) {
    this.buffer = buffer;
    this.view = new DataView(buffer);
    this.bytes = Buffer.from(buffer);
  }

  get capacity(): number {
    return this.buffer.byteLength;
  }

  /** Most bytes {@link BatchBuffer.writeString} takes for `value`. */
  static stringBound(value: string): number {
    return 2 + value.length * 3;
  }

  /**
   * Writes `value` at `offset`; returns the offset after it. ASCII (every id, symbol and type
   * Tickline makes) is copied byte by byte: no native call, no allocation.
   */
  writeString(offset: number, value: string): number {
    const n = value.length;
    const bytes = this.bytes;
    let i = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[offset + 2 + i] = c;
    }
    const length = i < n ? bytes.write(value, offset + 2, 'utf8') : n;
    this.view.setUint16(offset, length, true);
    return offset + 2 + length;
  }

  /** Reads a string written by {@link BatchBuffer.writeString} at `cursor.at`, moving it past. */
  readString(cursor: { at: number }): string {
    const length = this.view.getUint16(cursor.at, true);
    const start = cursor.at + 2;
    cursor.at = start + length;
    return this.bytes.toString('utf8', start, start + length);
  }
}

/** Most bytes {@link writeRecord} takes for `record` (tag included). */
export function recordBound(record: AppendRecord): number {
  return (
    1 +
    BatchBuffer.stringBound(record.id) +
    BatchBuffer.stringBound(record.key) +
    BatchBuffer.stringBound(record.type) +
    8 +
    4 +
    record.payload.byteLength
  );
}

/** Writes a record entry (tag, id, key, type, f64 time, u32 length, payload); returns the end. */
export function writeRecord(buf: BatchBuffer, offset: number, record: AppendRecord, time: number): number {
  buf.bytes[offset] = RECORD_TAG;
  let at = buf.writeString(offset + 1, record.id);
  at = buf.writeString(at, record.key);
  at = buf.writeString(at, record.type);
  buf.view.setFloat64(at, time, true);
  const payload = record.payload;
  buf.view.setUint32(at + 8, payload.byteLength, true);
  buf.bytes.set(payload, at + 12);
  return at + 12 + payload.byteLength;
}

/** Reads a record entry whose tag is at `cursor.at`; leaves `cursor.at` after it. */
export function readRecord(buf: BatchBuffer, cursor: { at: number }): AppendRecord {
  cursor.at += 1;
  const id = buf.readString(cursor);
  const key = buf.readString(cursor);
  const type = buf.readString(cursor);
  const time = buf.view.getFloat64(cursor.at, true);
  const length = buf.view.getUint32(cursor.at + 8, true);
  const start = cursor.at + 12;
  cursor.at = start + length;
  // A copy: the batch buffer goes back to the publishing thread's pool once read.
  const payload = Buffer.allocUnsafe(length);
  buf.bytes.copy(payload, 0, start, start + length);
  return { id, key, type, time, payload };
}
