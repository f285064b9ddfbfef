/**
 * @module How content reaches a sandbox process: through a file on tmpfs (`/dev/shm`), a memory
 * copy each way. Node's IPC pipe moved a 1M-bar feed (56 MB) in about a second. The host writes
 * every part, as the raw bytes it holds, into one file (one gathered write, off its event loop,
 * nothing packed first); the process reads it with one `readSync` straight into the buffer the
 * host named (data-cache.ts).
 *
 * The host keeps a few files for the next calls: each is removed from the directory as soon as it
 * is opened and reached through `/proc/<pid>/fd/<n>` while the host holds it, so nothing is left
 * in `/dev/shm` whatever ends the host, and its memory goes with the last descriptor. Overwriting
 * a kept file's pages cost ~12–17 ms per 56 MB on the development VM, a new file and its removal
 * ~22–28 ms. Where there is no procfs, each call gets a named file, removed when the call ends.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let shmDir: Promise<string> | undefined;
/** tmpfs when the machine has it (Linux), else the temp dir (still avoids the pipe). */
export const transferDirectory = (): Promise<string> =>
  (shmDir ??= stat('/dev/shm').then(
    (s) => (s.isDirectory() ? '/dev/shm' : tmpdir()),
    () => tmpdir(),
  ));

/** A file of the host: an open handle, and the name the sandbox process opens it by. */
interface DataFile {
  handle: FileHandle;
  path: string;
  /** Removes the file when the call ends (no procfs), or undefined when it is kept. */
  remove?: () => Promise<void>;
}

/**
 * Files kept for the next calls, and the size up to which one is kept: a larger one is closed
 * after its call (its memory freed), so one long run does not leave its size held in tmpfs.
 */
const MAX_KEPT_FILES = 4;
const MAX_KEPT_FILE_BYTES = 64 * 1024 * 1024;
const keptFiles: DataFile[] = [];
const PROC_FDS = existsSync('/proc/self/fd');

async function takeFile(): Promise<DataFile> {
  const kept = keptFiles.pop();
  if (kept !== undefined) return kept;
  const path = join(await transferDirectory(), `tickline-data-${randomUUID()}`);
  const handle = await open(path, 'wx+', 0o600);
  if (!PROC_FDS) return { handle, path, remove: () => rm(path, { force: true }) };
  // Unnamed at once: the descriptor is the file's only hold (see the module doc).
  await rm(path, { force: true });
  return { handle, path: `/proc/${process.pid}/fd/${handle.fd}` };
}

async function giveBack(file: DataFile, bytes: number): Promise<void> {
  if (file.remove === undefined && bytes <= MAX_KEPT_FILE_BYTES && keptFiles.length < MAX_KEPT_FILES) {
    keptFiles.push(file);
    return;
  }
  await file.handle.close();
  await file.remove?.();
}

/** Closes the kept files (their memory goes with them); a pool calls it when it closes. */
export async function closeDataFiles(): Promise<void> {
  await Promise.all(keptFiles.splice(0).map((f) => f.handle.close()));
}

/** Writes every part at offset 0, in order, whatever the kernel takes per write. */
async function writeAll(handle: FileHandle, parts: readonly Uint8Array[]): Promise<number> {
  let written = (await handle.writev(parts as Uint8Array[], 0)).bytesWritten;
  // A short gathered write is legal: the rest goes part by part from where it stopped.
  let at = 0;
  for (const part of parts) {
    const end = at + part.byteLength;
    while (written < end) {
      const from = written - at;
      written += (await handle.write(part, from, end - written, written)).bytesWritten;
    }
    at = end;
  }
  return written;
}

/**
 * Memory the host writes from. On the development VM the kernel's first copy from (or to) a page of
 * a process cost ~3 ms per MB — whether or not the process had written it itself — and every
 * later copy ~0.2 ms: the first write of a feed loaded a moment before took ~185 ms of CPU per
 * 56 MB, a second write of it ~10–20 ms (measured with a scratch script, 2026-11-25). So content is
 * copied into this kept buffer first (a plain memory copy, in pieces between which the event loop
 * turns) and written from it. One buffer, up to the kept-file size; a write while it is in use,
 * or of content larger than it, goes from the content itself.
 */
let staging: Uint8Array | undefined;
let stagingBusy = false;
/** Copied in pieces of this size (~1 ms each), the event loop turning between them. */
const COPY_CHUNK = 4 * 1024 * 1024;

async function stage(parts: readonly Uint8Array[], total: number): Promise<Uint8Array> {
  staging ??= new Uint8Array(MAX_KEPT_FILE_BYTES);
  let at = 0;
  for (const part of parts) {
    for (let from = 0; from < part.byteLength; from += COPY_CHUNK) {
      const piece = part.subarray(from, from + COPY_CHUNK);
      staging.set(piece, at);
      at += piece.byteLength;
      if (total > COPY_CHUNK) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return staging.subarray(0, total);
}

/** A written file: where the process opens it, and `release` for when the call has ended. */
export interface WrittenFile {
  path: string;
  release: () => Promise<void>;
}

/** Writes `parts` one after another into a file for a sandbox process to read. */
export async function writeDataFile(parts: readonly Uint8Array[]): Promise<WrittenFile> {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const file = await takeFile();
  const staged = !stagingBusy && total <= MAX_KEPT_FILE_BYTES;
  if (staged) stagingBusy = true;
  try {
    const written = await writeAll(file.handle, staged ? [await stage(parts, total)] : parts);
    if (written !== total) throw new Error(`data file: wrote ${written} of ${total} bytes`);
    // A kept file may be longer than this call's parts: cut to them (the process checks the size).
    await file.handle.truncate(total);
  } catch (error) {
    await file.handle.close();
    await file.remove?.();
    throw error;
  } finally {
    if (staged) stagingBusy = false;
  }
  return { path: file.path, release: () => giveBack(file, total) };
}
