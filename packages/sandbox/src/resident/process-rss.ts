/**
 * @module A child's resident memory, read cheaply enough to read often: one `pread` of
 * `/proc/<pid>/statm` on a file kept open for the child's life. The supervisor of a resident
 * process reads it every beat while a call runs (20 times a second per process); reading
 * `/proc/<pid>/status` with `fs.promises.readFile` each time cost ~0.3 ms of the server's CPU a
 * read on the development VM (a tenth of a core under bench:live's two busy processes), one `pread`
 * ~5 µs. Still what the kernel counts, not what the child says (resident-memory.ts explains why).
 */
import { closeSync, openSync, readSync } from 'node:fs';

const PAGE_BYTES = 4_096;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;

/** See the module comment. */
export class ProcessRss {
  #fd: number | undefined;
  readonly #buffer = Buffer.alloc(128);

  /** Opens `/proc/<pid>/statm`; where there is none, every read is undefined. */
  constructor(pid: number) {
    try {
      this.#fd = openSync(`/proc/${pid}/statm`, 'r');
    } catch {
      this.#fd = undefined;
    }
  }

  /** Resident bytes now; undefined once the process is gone (or without procfs). */
  read(): number | undefined {
    if (this.#fd === undefined) return undefined;
    let n: number;
    try {
      n = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
    } catch {
      return undefined;
    }
    // "size resident shared …" in pages: the second field.
    const b = this.#buffer;
    let i = 0;
    while (i < n && b[i] !== SPACE) i++;
    let pages = 0;
    for (i++; i < n && b[i]! >= ZERO && b[i]! <= NINE; i++) pages = pages * 10 + b[i]! - ZERO;
    return pages * PAGE_BYTES;
  }

  close(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Closed already.
    }
    this.#fd = undefined;
  }
}
