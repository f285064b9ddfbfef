/**
 * @module Walks the frames of a segment file, verifying each checksum. A damaged frame is skipped
 * by resynchronising on the next valid frame (first by trusting its length, then byte by byte);
 * the offsets inside the frames say how many records the damage cost. What is left at the end with
 * no valid frame after it is a torn or garbage tail.
 */
import type { FileHandle } from 'node:fs/promises';
import { FileWindow, READ_CHUNK_BYTES } from './file-window.ts';
import {
  FRAME_HEADER_BYTES,
  FRAME_SHORT,
  FRAME_VERSION,
  MAX_BODY_BYTES,
  MIN_FRAME_BYTES,
  checkFrame,
  frameOffset,
} from './frame.ts';

/** A damaged region: bytes `[pos, resume)` held no valid frame; offsets `lostFrom..lostTo` are gone. */
export interface ScanGap {
  pos: number;
  resume: number;
  lostFrom: number;
  lostTo: number;
}

/** What a scan reports to its caller as it goes. */
export interface ScanCallbacks {
  /** A valid frame at `buf[start, end)`, which lies at `filePos` in the file. */
  frame(buf: Buffer, start: number, end: number, filePos: number, offset: number): void;
  /** A damaged region, reported before the frame it resumes at. */
  gap?(gap: ScanGap): void;
}

/** The outcome of {@link scanFrames}. */
export interface ScanResult {
  /** File position after the last valid frame. */
  validEnd: number;
  /** Offset of the last valid frame (the `prev` passed in when there was none). */
  last: number;
  /** Bytes between `validEnd` and the scan's end that hold no valid frame. */
  tailBytes: number;
  gaps: ScanGap[];
}

/** End (file position) of a valid frame at `pos`, or FRAME_SHORT / FRAME_BAD; the frame is then in `win`. */
export async function frameAt(win: FileWindow, pos: number): Promise<number> {
  if (!win.has(pos, FRAME_HEADER_BYTES + 1)) {
    if (pos + FRAME_HEADER_BYTES + 1 > win.limit) return FRAME_SHORT;
    await win.load(pos, READ_CHUNK_BYTES);
  }
  let end = checkFrame(win.buf, pos - win.start, win.buf.length);
  if (end === FRAME_SHORT && win.end < win.limit) {
    await win.load(pos, FRAME_HEADER_BYTES + win.buf.readUInt32LE(pos - win.start));
    end = checkFrame(win.buf, pos - win.start, win.buf.length);
  }
  return end < 0 ? end : end + win.start;
}

/** A resumed frame is believable when its offset moves forward by no more than the skipped bytes allow. */
function plausibleResume(offset: number, prev: number, skippedBytes: number): boolean {
  return offset > prev && offset - prev - 1 <= skippedBytes / MIN_FRAME_BYTES;
}

async function resync(win: FileWindow, pos: number, prev: number): Promise<number> {
  // Cheap case first: only the body was damaged, the length still points at the next frame.
  if (win.has(pos, FRAME_HEADER_BYTES)) {
    const next = pos + FRAME_HEADER_BYTES + win.buf.readUInt32LE(pos - win.start);
    if (next + MIN_FRAME_BYTES <= win.limit && (await frameAt(win, next)) > 0) {
      if (plausibleResume(frameOffset(win.buf, next - win.start), prev, next - pos)) return next;
    }
  }
  for (let c = pos + 1; c + MIN_FRAME_BYTES <= win.limit; c++) {
    if (!win.has(c, FRAME_HEADER_BYTES + 1)) await win.load(c, READ_CHUNK_BYTES);
    const b = c - win.start;
    if (win.buf[b + FRAME_HEADER_BYTES] !== FRAME_VERSION) continue;
    const length = win.buf.readUInt32LE(b);
    if (length > MAX_BODY_BYTES || c + FRAME_HEADER_BYTES + length > win.limit) continue;
    if ((await frameAt(win, c)) < 0) continue;
    if (plausibleResume(frameOffset(win.buf, c - win.start), prev, c - pos)) return c;
  }
  return -1;
}

/**
 * Scans frames in `[from, to)` of `fh`. `prev` is the offset expected just before the first
 * frame (the segment's base minus one when scanning from its start).
 */
export async function scanFrames(
  fh: FileHandle,
  from: number,
  to: number,
  prev: number,
  callbacks: ScanCallbacks,
): Promise<ScanResult> {
  const win = new FileWindow(fh, to);
  const gaps: ScanGap[] = [];
  let pos = from;
  let last = prev;
  while (pos < to) {
    const end = await frameAt(win, pos);
    if (end > 0) {
      const offset = frameOffset(win.buf, pos - win.start);
      if (offset > last) {
        if (offset > last + 1) {
          const gap = { pos, resume: pos, lostFrom: last + 1, lostTo: offset - 1 };
          gaps.push(gap);
          callbacks.gap?.(gap);
        }
        callbacks.frame(win.buf, pos - win.start, end - win.start, pos, offset);
        last = offset;
        pos = end;
        continue;
      }
    }
    const resume = await resync(win, pos, last);
    if (resume === -1) return { validEnd: pos, last, tailBytes: to - pos, gaps };
    const gap = { pos, resume, lostFrom: last + 1, lostTo: frameOffset(win.buf, resume - win.start) - 1 };
    gaps.push(gap);
    callbacks.gap?.(gap);
    last = gap.lostTo; // accounted for: the resumed frame continues the run
    pos = resume;
  }
  return { validEnd: pos, last, tailBytes: 0, gaps };
}
