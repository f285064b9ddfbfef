/**
 * @module What opening a log directory does: list the segments, verify the last one frame by frame,
 * cut off a torn or garbage tail (a crash mid-write), and reload the ids of recent records into
 * the dedupe window so a retry after a restart is still answered as a duplicate.
 */
import { chmod, open, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PRIVATE_FILE_MODE } from '@tickline/kernel';
import { frameId } from './frame.ts';
import type { LogState } from './log-state.ts';
import { Segment, listSegmentBases } from './segment.ts';
import { indexSegment } from './segment-reader.ts';
import { recordLostTail } from './segment-verify.ts';

/** What opening found. */
export interface RecoveryReport {
  /** Segment files kept. */
  segments: number;
  /** Records readable after recovery. */
  records: number;
  /** Bytes cut from the end of the last segment (a torn write or garbage). */
  truncatedBytes: number;
  /** File name of the segment that was cut. */
  truncatedSegment?: string;
  /** Records found damaged (checksum or framing) and skipped while verifying. */
  corruptRecords: number;
}

// Earlier segments written to within the dedupe window are scanned for ids too, up to this many.
const MAX_DEDUPE_RECOVERY_SEGMENTS = 4;

/** Loads the segments of `state.options.dir` into `state`, repairing the tail unless read-only. */
export async function recoverLog(state: LogState): Promise<RecoveryReport> {
  const { dir, readOnly, logger, name, now } = state.options;
  const report: RecoveryReport = { segments: 0, records: 0, truncatedBytes: 0, corruptRecords: 0 };
  const bases = await listSegmentBases(dir);
  if (bases.length === 0 && !readOnly) {
    await (await open(new Segment(dir, 1, 0, now()).path, 'wx', PRIVATE_FILE_MODE)).close();
    bases.push(1);
  }
  const segments: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const path = new Segment(dir, bases[i]!, 0, 0).path;
    // Logs written before segments were created owner-only are tightened on their next start.
    if (!readOnly) await chmod(path, PRIVATE_FILE_MODE);
    const info = await stat(path);
    const seg = new Segment(dir, bases[i]!, info.size, info.mtimeMs);
    seg.last = (bases[i + 1] ?? bases[i]!) - 1;
    segments.push(seg);
  }
  state.segments = segments;
  const dedupeIds = (buf: Buffer, start: number, _end: number, offset: number): void => {
    state.dedupe.set(frameId(buf, start), offset, now());
  };

  // Verify the newest segment; if nothing valid is left in it, drop it and verify the one before.
  while (segments.length > 0) {
    const seg = segments.at(-1)!;
    const result = await indexSegment(seg, readOnly ? {} : { onFrame: dedupeIds });
    seg.indexed = true;
    seg.size = result.validEnd;
    seg.last = result.last;
    for (const [from, to] of seg.lost) report.corruptRecords += to - from + 1;
    if (result.tailBytes > 0 && !readOnly) {
      const fh = await open(seg.path, 'r+');
      try {
        await fh.truncate(result.validEnd);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      report.truncatedBytes += result.tailBytes;
      report.truncatedSegment = basename(seg.path);
      state.metrics.tornTails.inc();
      state.metrics.truncatedBytes.inc(result.tailBytes);
      logger.warn(
        {
          log: name,
          segment: report.truncatedSegment,
          truncatedBytes: result.tailBytes,
          validEnd: result.validEnd,
        },
        'event log tail was torn or held garbage; truncated to the last valid record',
      );
    }
    if (seg.size > 0 || segments.length === 1 || readOnly) break;
    segments.pop();
    await rm(seg.path);
    logger.warn({ log: name, segment: basename(seg.path) }, 'removed an empty last segment');
  }

  if (!readOnly) {
    // Membership is all the window needs, so these may be loaded after the last segment's ids.
    const windowStart = now() - state.options.dedupeWindowMs;
    const recent = segments
      .slice(0, -1)
      .filter((seg) => seg.sealedAt >= windowStart)
      .slice(-MAX_DEDUPE_RECOVERY_SEGMENTS);
    for (const seg of recent)
      report.corruptRecords += recordLostTail(state, seg, await indexSegment(seg, { onFrame: dedupeIds }));
  }
  if (report.corruptRecords > 0) {
    state.metrics.corruptRecords.inc(report.corruptRecords);
    logger.warn(
      { log: name, corruptRecords: report.corruptRecords },
      'event log holds damaged records; they are skipped',
    );
  }

  const last = segments.at(-1);
  state.lastCommitted = last ? Math.max(last.last, 0) : 0;
  report.segments = segments.length;
  const first = segments[0]?.base ?? 1;
  let lost = 0;
  for (const seg of segments) for (const [from, to] of seg.lost) lost += to - from + 1;
  report.records = Math.max(0, state.lastCommitted - first + 1 - lost);
  return report;
}
