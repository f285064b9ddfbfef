/**
 * @module Reads by offset and by time. Recent records come from the in-memory cache; older ones
 * from the segment files through their sparse index.
 *
 * Damaged records are skipped and counted, so ranges simply miss their offsets. Only a caller
 * asking for exactly one record (`limit: 1`) that is damaged gets EVLOG_CORRUPT_RECORD, whose
 * details name the offset to continue from.
 */
import { basename } from 'node:path';
import { EventLogError } from '../port/errors.ts';
import type { LogRecord, Offset } from '../port/event-log.ts';
import { firstOffset, segmentFor, type LogState } from './log-state.ts';
import type { Segment } from './segment.ts';
import { readFirstTime, readSegmentRange } from './segment-reader.ts';
import { ensureIndexed } from './segment-verify.ts';

const TIME_SCAN_BATCH = 1000;

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Up to `limit` committed records from `from` on, in offset order. */
export async function readRecords(state: LogState, from: Offset, limit: number): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const upTo = state.lastCommitted;
  let next = Math.max(from, firstOffset(state), 1);
  if (limit === 1 && next === from && next <= upTo) await assertIntact(state, next);
  while (out.length < limit && next <= upTo) {
    const cached = state.cache.read(next, limit - out.length);
    if (cached) {
      for (const record of cached) out.push(record);
      break; // the cache runs up to the last committed record
    }
    const seg = segmentFor(state, next);
    if (!seg) break;
    try {
      await ensureIndexed(state, seg);
      await readSegmentRange(seg, next, upTo, limit, out);
    } catch (error) {
      // Retention deleted the segment under us: continue from the new first offset.
      if (!isMissingFile(error) || state.segments.includes(seg)) throw error;
      next = Math.max(next, firstOffset(state));
      continue;
    }
    const after = Math.max(seg.last, out.at(-1)?.offset ?? 0) + 1;
    if (after <= next) break; // cannot happen with contiguous segments; never spin
    next = after;
  }
  return out;
}

async function assertIntact(state: LogState, offset: Offset): Promise<void> {
  const seg = segmentFor(state, offset);
  if (!seg) return;
  await ensureIndexed(state, seg);
  if (!seg.isLost(offset)) return;
  let next = offset + 1;
  for (const [from, to] of seg.lost) if (offset >= from && offset <= to) next = to + 1;
  throw new EventLogError(
    'EVLOG_CORRUPT_RECORD',
    `record ${offset} of event log "${state.options.name}" is damaged`,
    {
      details: { offset, segment: basename(seg.path), next },
    },
  );
}

async function firstTimeOf(state: LogState, seg: Segment): Promise<number | undefined> {
  const time = await readFirstTime(seg);
  if (time !== undefined) return time;
  await ensureIndexed(state, seg); // the first frame is damaged: the scan finds the first good one
  return seg.firstTime;
}

/**
 * The position (last offset before) of the first record with `time` at or after `time`.
 * Binary-searches segments by their first record's time, then scans forward, so it assumes times
 * grow with offsets (as append times do); out-of-order caller times can make it start late.
 */
export async function positionAtTime(state: LogState, time: number): Promise<Offset> {
  const segments = state.segments.slice();
  let lo = 0;
  let hi = segments.length - 1;
  let start = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const first = await firstTimeOf(state, segments[mid]!);
    if (first !== undefined && first <= time) {
      start = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let from = segments[start]?.base ?? 1;
  for (;;) {
    const batch = await readRecords(state, from, TIME_SCAN_BATCH);
    if (batch.length === 0) return state.lastCommitted;
    for (const record of batch) if (record.time >= time) return record.offset - 1;
    from = batch.at(-1)!.offset + 1;
  }
}
