/**
 * @module Encodes one `append` call into a buffer of frames the moment it is made: offsets are
 * assigned and duplicates answered in call order, so encoding (the CPU part) overlaps the write
 * and fsync of the group before. Nothing is allocated per record beyond its result and its
 * cache entry.
 */
import type { AppendRecord, AppendResult, LogRecord } from '../port/event-log.ts';
import { EventLogError } from '../port/errors.ts';
import type { IdWindow } from './id-window.ts';
import { frameUpperBound, invalidRecordReason, writeFrame } from './frame.ts';
import { INDEX_INTERVAL_BYTES } from './segment.ts';

/** One `append` call, encoded and waiting for its group commit. */
export interface EncodedAppend {
  buf: Buffer;
  bytes: number;
  /** Records stored by this call, in offset order (for the cache). */
  records: LogRecord[];
  payloadBytes: number;
  results: AppendResult[];
  duplicates: number;
  /** `[offset, position in buf, time]` every index interval, for the segment's sparse index. */
  marks: number[];
  resolve(results: AppendResult[]): void;
  reject(error: Error): void;
}

/** Numbers per entry in {@link EncodedAppend.marks}. */
export const MARK_FIELDS = 3;

/** Where offsets and dedupe stand when a call is encoded. */
export interface EncodeContext {
  /** Next offset to hand out (advanced by the caller by `records.length`). */
  next: number;
  dedupe: IdWindow;
  /**
   * Dedupe entries left by appends whose write failed (their offsets were handed out again):
   * a hit that matches one of these is not a duplicate.
   */
  failed: Map<string, number>;
  now: number;
}

/**
 * Encodes `records` from offset `context.next`. A dedupe hit is a duplicate when it points at an
 * offset already handed out and not failed: committed, or queued ahead of this call (groups commit
 * in order, and a failure rejects everything queued behind it).
 */
export function encodeAppend(
  input: readonly AppendRecord[],
  context: EncodeContext,
  resolve: (results: AppendResult[]) => void,
  reject: (error: Error) => void,
): EncodedAppend {
  const { dedupe, failed, now } = context;
  // Validate everything before touching offsets or the dedupe window.
  let upper = 0;
  let invalid: Map<number, string> | undefined;
  for (let i = 0; i < input.length; i++) {
    const reason = invalidRecordReason(input[i]!);
    if (reason === undefined) upper += frameUpperBound(input[i]!);
    else (invalid ??= new Map()).set(i, reason);
  }
  const buf = Buffer.allocUnsafe(upper);
  const records: LogRecord[] = [];
  const results = new Array<AppendResult>(input.length);
  const marks: number[] = [];
  let next = context.next;
  let pos = 0;
  let lastMark = -INDEX_INTERVAL_BYTES;
  let payloadBytes = 0;
  let duplicates = 0;
  for (let i = 0; i < input.length; i++) {
    const record = input[i]!;
    const reason = invalid?.get(i);
    if (reason !== undefined) {
      results[i] = {
        ok: false,
        error: new EventLogError('EVLOG_INVALID_ARGUMENT', reason, { details: { index: i } }),
      };
      continue;
    }
    const seen = dedupe.get(record.id, now);
    if (seen !== undefined && seen < next && (failed.size === 0 || failed.get(record.id) !== seen)) {
      results[i] = { ok: true, offset: seen, duplicate: true };
      duplicates++;
      continue;
    }
    const offset = next++;
    const time = record.time ?? now;
    if (pos - lastMark >= INDEX_INTERVAL_BYTES) {
      marks.push(offset, pos, time);
      lastMark = pos;
    }
    const end = writeFrame(buf, pos, offset, time, record);
    const size = record.payload.byteLength;
    records.push({
      offset,
      id: record.id,
      key: record.key,
      type: record.type,
      time,
      // The caller's bytes, not a view of `buf`: no object per record, and `buf` is garbage once
      // written. Callers hand over the payload (encodeEvent makes a fresh one per event).
      payload: record.payload,
    });
    payloadBytes += size;
    pos = end;
    dedupe.set(record.id, offset, now);
    if (failed.size > 0) failed.delete(record.id);
    results[i] = { ok: true, offset, duplicate: false };
  }
  context.next = next;
  return { buf, bytes: pos, records, payloadBytes, results, duplicates, marks, resolve, reject };
}
