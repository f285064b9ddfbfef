/**
 * @module Reads records back from segment files: the lazy full scan that verifies a sealed segment
 * and builds its sparse index, range reads that start at the nearest index entry, and a segment's
 * first record time for `{ from: 'time' }`.
 */
import { open, stat } from 'node:fs/promises';
import type { LogRecord } from '../port/event-log.ts';
import { FileWindow } from './file-window.ts';
import { FRAME_HEADER_BYTES, checkFrame, decodeFrame, frameOffset, frameTime } from './frame.ts';
import type { Segment } from './segment.ts';
import { frameAt, scanFrames, type ScanResult } from './segment-scan.ts';

// Enough for the first frame of nearly every segment; a bigger first frame falls back to a scan.
const FIRST_FRAME_PROBE_BYTES = 64 * 1024;

/** Called for every valid frame an index scan passes. */
export type FrameVisitor = (buf: Buffer, start: number, end: number, offset: number) => void;

/**
 * Verifies `seg` from `from` to `until` (default: its file size), extending its index and
 * damage list; the caller decides what a tail without valid frames means.
 */
export async function indexSegment(
  seg: Segment,
  options: { from?: number; until?: number; onFrame?: FrameVisitor } = {},
): Promise<ScanResult> {
  const fh = await open(seg.path, 'r');
  try {
    const until = options.until ?? (await fh.stat()).size;
    const onFrame = options.onFrame;
    return await scanFrames(fh, options.from ?? 0, until, options.from ? seg.last : seg.base - 1, {
      frame: (buf, start, end, filePos, offset) => {
        seg.noteFrame(offset, filePos, frameTime(buf, start));
        onFrame?.(buf, start, end, offset);
      },
      gap: (gap) => seg.noteGap(gap),
    });
  } finally {
    await fh.close();
  }
}

/**
 * Appends to `out` the records of `seg` with offsets in `[from, upTo]`, until `out` holds `limit`.
 * Damage the index knows about is jumped over.
 */
export async function readSegmentRange(
  seg: Segment,
  from: number,
  upTo: number,
  limit: number,
  out: LogRecord[],
): Promise<void> {
  const fh = await open(seg.path, 'r');
  try {
    const win = new FileWindow(fh, seg.size);
    let pos = seg.seek(from);
    while (pos < seg.size && out.length < limit) {
      const end = await frameAt(win, pos);
      if (end < 0) {
        const resume = seg.nextIndexedPosition(pos);
        if (resume === undefined) return;
        pos = resume;
        continue;
      }
      const start = pos - win.start;
      const offset = frameOffset(win.buf, start);
      if (offset > upTo) return;
      if (offset >= from) out.push(decodeFrame(win.buf, start, end - win.start));
      pos = end;
    }
  } finally {
    await fh.close();
  }
}

/** The time of the first record of `seg`, reading only its first frame when it is intact. */
export async function readFirstTime(seg: Segment): Promise<number | undefined> {
  if (seg.firstTime !== undefined) return seg.firstTime;
  const fh = await open(seg.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(FIRST_FRAME_PROBE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const end = checkFrame(buf, 0, bytesRead);
    if (end > FRAME_HEADER_BYTES) seg.firstTime = frameTime(buf, 0);
  } finally {
    await fh.close();
  }
  return seg.firstTime;
}

/** Size of the file on disk, or undefined when it is gone. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
