/** @module A sliding read window over a file, so scans and range reads touch the disk in large chunks. */
import type { FileHandle } from 'node:fs/promises';

export const READ_CHUNK_BYTES = 1024 * 1024; // 1 MiB per read
const EMPTY = Buffer.alloc(0);

/**
 * Holds the bytes `[start, start + buf.length)` of a file up to `limit`. Every load allocates a
 * fresh buffer, so views handed out earlier (record payloads) stay valid.
 */
export class FileWindow {
  buf: Buffer = EMPTY;
  start = 0;
  readonly #fh: FileHandle;
  readonly limit: number;

  constructor(fh: FileHandle, limit: number) {
    this.#fh = fh;
    this.limit = limit;
  }

  get end(): number {
    return this.start + this.buf.length;
  }

  /** True when `[pos, pos + length)` is in the window. */
  has(pos: number, length: number): boolean {
    return pos >= this.start && pos + length <= this.end;
  }

  /** Loads at least `length` bytes from `pos` (fewer at the limit or end of file). */
  async load(pos: number, length: number): Promise<void> {
    const want = Math.max(0, Math.min(Math.max(length, READ_CHUNK_BYTES), this.limit - pos));
    const buf = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.#fh.read(buf, filled, want - filled, pos + filled);
      if (bytesRead === 0) break; // the file is shorter than the caller believed (truncated meanwhile)
      filled += bytesRead;
    }
    this.buf = filled === want ? buf : buf.subarray(0, filled);
    this.start = pos;
  }
}
