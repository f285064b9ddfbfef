/**
 * @module Lazy verification of sealed segments: the first read that needs a sealed segment scans
 * it once (concurrent readers share the scan), which builds its sparse index and finds damaged
 * records. Damage is counted and logged, never repaired: a sealed segment is only ever read.
 */
import { basename } from 'node:path';
import type { LogState } from './log-state.ts';
import type { Segment } from './segment.ts';
import { indexSegment } from './segment-reader.ts';
import type { ScanResult } from './segment-scan.ts';

/**
 * Completes `seg` after a full scan of a sealed segment: offsets between its last valid record and
 * the next segment's base are lost. Returns how many records of `seg` are lost in all.
 */
export function recordLostTail(state: LogState, seg: Segment, result: ScanResult): number {
  const index = state.segments.indexOf(seg);
  const nextBase = index === -1 ? undefined : state.segments[index + 1]?.base;
  const expectedLast = nextBase === undefined ? result.last : nextBase - 1;
  if (result.last < expectedLast) seg.lost.push([result.last + 1, expectedLast]);
  seg.last = Math.max(expectedLast, result.last);
  seg.size = result.validEnd;
  seg.indexed = true;
  if (result.tailBytes > 0)
    state.options.logger.warn(
      { log: state.options.name, segment: basename(seg.path), bytes: result.tailBytes },
      'sealed event log segment ends with bytes that hold no valid record',
    );
  let lost = 0;
  for (const [from, to] of seg.lost) lost += to - from + 1;
  return lost;
}

/** Scans `seg` once if it has not been verified yet. */
export function ensureIndexed(state: LogState, seg: Segment): Promise<void> {
  if (seg.indexed) return Promise.resolve();
  seg.indexing ??= indexSegment(seg).then(
    (result) => {
      const lost = recordLostTail(state, seg, result);
      if (lost > 0) {
        state.metrics.corruptRecords.inc(lost);
        state.options.logger.warn(
          { log: state.options.name, segment: basename(seg.path), corruptRecords: lost, ranges: seg.lost },
          'damaged records in a sealed event log segment are skipped',
        );
      }
    },
    (error: unknown) => {
      seg.indexing = undefined; // let a later read try again
      throw error;
    },
  );
  return seg.indexing;
}
