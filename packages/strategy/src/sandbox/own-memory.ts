/**
 * @module This process's resident memory, cheaply: one `pread` of `/proc/self/statm` on a file kept
 * open (~5 µs; `process.memoryUsage.rss()` opens the file each time, ~13 µs). A live sandbox
 * process reads it around a whole candle close, and around each tenant's call only while the
 * process grows — how memory held outside any V8 heap (Intl objects) is traced to its tenant.
 */
import { openSync, readSync } from 'node:fs';

const PAGE = 4_096;
let fd: number | undefined;
const buffer = Buffer.alloc(128);

/** Resident bytes of this process (0 where there is no procfs). */
export function ownResidentBytes(): number {
  try {
    fd ??= openSync('/proc/self/statm', 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    // "size resident shared …" in pages: the second field.
    let i = 0;
    while (i < n && buffer[i] !== 32) i++;
    let pages = 0;
    for (i++; i < n && buffer[i]! >= 48 && buffer[i]! <= 57; i++) pages = pages * 10 + buffer[i]! - 48;
    return pages * PAGE;
  } catch {
    return 0;
  }
}
