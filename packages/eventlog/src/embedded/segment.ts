/** @module One segment file: its name, size, offsets, sparse index and known damage. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanGap } from './segment-scan.ts';

/** One index entry per this many bytes of frames: a read parses at most this much to find its start. */
export const INDEX_INTERVAL_BYTES = 64 * 1024;
const SEGMENT_FILE = /^(\d{20})\.log$/;
const OFFSET_DIGITS = 20;

/** `00000000000000000001.log`: zero-padded base offset, so names sort as offsets do. */
export function segmentFileName(base: number): string {
  return `${String(base).padStart(OFFSET_DIGITS, '0')}.log`;
}

/** Base offsets of the segment files in `dir`, ascending. A missing directory has none. */
export async function listSegmentBases(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const bases: number[] = [];
  for (const name of names) {
    const match = SEGMENT_FILE.exec(name);
    if (match) bases.push(Number(match[1]));
  }
  return bases.sort((a, b) => a - b);
}

export class Segment {
  readonly base: number;
  readonly path: string;
  /** Bytes of valid frames from the start of the file. */
  size: number;
  /** Last offset stored; `base - 1` when empty. For a sealed segment not yet scanned, assumed from the next base. */
  last: number;
  /** When the segment stopped taking writes (file mtime for segments found on open). */
  sealedAt: number;
  /** True once every frame has been verified and the index is complete. */
  indexed = false;
  /** Offset ranges lost to damage, ascending. */
  readonly lost: Array<[from: number, to: number]> = [];
  firstTime: number | undefined;
  /** Pending full scan, shared by concurrent readers. */
  indexing: Promise<void> | undefined;
  readonly #offsets: number[] = [];
  readonly #positions: number[] = [];

  constructor(dir: string, base: number, size: number, sealedAt: number) {
    this.base = base;
    this.path = join(dir, segmentFileName(base));
    this.size = size;
    this.last = base - 1;
    this.sealedAt = sealedAt;
  }

  get records(): number {
    let lost = 0;
    for (const [from, to] of this.lost) lost += to - from + 1;
    return this.last - this.base + 1 - lost;
  }

  /** Notes a valid frame; keeps an index entry when it is far enough from the previous one. */
  noteFrame(offset: number, pos: number, time: number): void {
    if (this.firstTime === undefined) this.firstTime = time;
    const lastPos = this.#positions.at(-1);
    if (lastPos === undefined || pos - lastPos >= INDEX_INTERVAL_BYTES) {
      this.#offsets.push(offset);
      this.#positions.push(pos);
    }
  }

  /** Notes damage; the resumed frame always gets an index entry so readers can jump over the gap. */
  noteGap(gap: ScanGap): void {
    if (gap.lostTo >= gap.lostFrom) this.lost.push([gap.lostFrom, gap.lostTo]);
    if (gap.resume > gap.pos) {
      this.#offsets.push(gap.lostTo + 1);
      this.#positions.push(gap.resume);
    }
  }

  /** Drops index entries at or past `pos` (a tail was truncated). */
  truncateIndex(pos: number): void {
    while ((this.#positions.at(-1) ?? -1) >= pos) {
      this.#positions.pop();
      this.#offsets.pop();
    }
  }

  /** File position of a frame at or before `offset` to start parsing from. */
  seek(offset: number): number {
    let lo = 0;
    let hi = this.#offsets.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#offsets[mid]! <= offset) {
        found = this.#positions[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The first index position after `pos`: where reading resumes after damage at `pos`. */
  nextIndexedPosition(pos: number): number | undefined {
    for (const p of this.#positions) if (p > pos) return p;
    return undefined;
  }

  isLost(offset: number): boolean {
    for (const [from, to] of this.lost) if (offset >= from && offset <= to) return true;
    return false;
  }
}
