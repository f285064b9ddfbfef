/**
 * @module Retention: deletes whole sealed segments, oldest first, while the log is over
 * `maxBytes` or the segment's last write is older than `maxAgeMs`. The active segment is never
 * deleted, so the newest records always survive.
 */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { updateSegmentGauges, type LogState } from './log-state.ts';
import type { Segment } from './segment.ts';

/** What one retention pass removed. */
export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
}

/** How many leading segments of `segments` retention removes now. */
export function expiredSegmentCount(
  segments: readonly Segment[],
  retention: { maxBytes: number | undefined; maxAgeMs: number | undefined },
  now: number,
): number {
  let total = 0;
  for (const seg of segments) total += seg.size;
  let count = 0;
  for (; count < segments.length - 1; count++) {
    const seg = segments[count]!;
    const old = retention.maxAgeMs !== undefined && seg.sealedAt < now - retention.maxAgeMs;
    const over = retention.maxBytes !== undefined && total > retention.maxBytes;
    if (!old && !over) break;
    total -= seg.size;
  }
  return count;
}

/** Deletes expired segments; readers skip to the new first offset. */
export async function applyRetention(state: LogState): Promise<RetentionResult> {
  const { retention, now, logger, name } = state.options;
  const count = expiredSegmentCount(state.segments, retention, now());
  if (count === 0) return { deletedSegments: 0, deletedBytes: 0 };
  // Out of the list first, so no new read starts on a file about to go.
  const doomed = state.segments.splice(0, count);
  let deletedBytes = 0;
  for (const seg of doomed) {
    await rm(seg.path, { force: true });
    deletedBytes += seg.size;
  }
  state.metrics.retentionDeleted.inc(count);
  updateSegmentGauges(state);
  logger.info(
    { log: name, deletedSegments: count, deletedBytes, lastDeleted: basename(doomed.at(-1)!.path) },
    'event log retention deleted sealed segments',
  );
  return { deletedSegments: count, deletedBytes };
}
