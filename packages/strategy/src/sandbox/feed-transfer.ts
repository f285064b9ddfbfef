/**
 * @module How candle feeds reach a sandbox process. Node's IPC pipe moved a 1M-bar feed (56 MB) in
 * about a second; a file on tmpfs (`/dev/shm`) is a memory copy each way. The server writes every
 * column, as the raw bytes it already holds, into one file (one gathered write, off its event
 * loop, nothing packed first); the process reads the file with one `readSync` straight into a
 * SharedArrayBuffer it keeps from call to call, and views the columns in it (the isolate then reads
 * them in place). Reusing memory is most of the gain: on the development VM, first touching 56 MB
 * of fresh memory cost ~220 ms of page faults, reading into memory already touched ~9 ms; writing
 * over a tmpfs file's pages ~12–17 ms, a new file and its removal ~22–28 ms.
 *
 * So the server keeps a few feed files too. Each is removed from the directory as soon as it is
 * opened and reached through `/proc/<pid>/fd/<n>` while the server holds it: nothing is left in
 * `/dev/shm` whatever ends the server, and the memory goes with the last descriptor. Where there
 * is no procfs, each call gets a named file, removed when the call ends.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandleColumns, Feed } from '../core/types.ts';
import { PACKED_COLUMNS, type PackedFeed } from './packed-feeds.ts';

/** Feeds as a call carries them: small feeds inline, large ones as a file. */
export type FeedsRef = { inline: Feed[] } | { file: string; feeds: PackedFeed[] };

/** Below this many values, the pipe is as quick as a file. */
const INLINE_VALUES = 64 * 1024;

let shmDir: Promise<string> | undefined;
/** tmpfs when the machine has it (Linux), else the temp dir (still avoids the pipe). */
export const transferDirectory = (): Promise<string> =>
  (shmDir ??= stat('/dev/shm').then(
    (s) => (s.isDirectory() ? '/dev/shm' : tmpdir()),
    () => tmpdir(),
  ));

/** The bytes of a column as they are (no copy). */
const bytesOf = (column: Float64Array): Uint8Array =>
  new Uint8Array(column.buffer, column.byteOffset, column.byteLength);

/** A feed file of the server: an open handle, and the name the sandbox process opens it by. */
interface FeedFile {
  handle: FileHandle;
  path: string;
  /** Removes the file when the call ends (no procfs), or undefined when it is kept. */
  remove?: () => Promise<void>;
}

/**
 * Feed files kept for the next calls, and the size up to which one is kept: a larger one is closed
 * after its call (its memory freed), so a long run does not leave its size held in tmpfs.
 */
const MAX_KEPT_FILES = 4;
const MAX_KEPT_FILE_BYTES = 64 * 1024 * 1024;
const keptFiles: FeedFile[] = [];
const PROC_FDS = existsSync('/proc/self/fd');

async function takeFeedFile(): Promise<FeedFile> {
  const kept = keptFiles.pop();
  if (kept !== undefined) return kept;
  const path = join(await transferDirectory(), `tickline-feed-${randomUUID()}`);
  const handle = await open(path, 'wx+', 0o600);
  if (!PROC_FDS) return { handle, path, remove: () => rm(path, { force: true }) };
  // Unnamed at once: the descriptor is the file's only hold (see the module doc).
  await rm(path, { force: true });
  return { handle, path: `/proc/${process.pid}/fd/${handle.fd}` };
}

async function giveBack(file: FeedFile, bytes: number): Promise<void> {
  if (file.remove === undefined && bytes <= MAX_KEPT_FILE_BYTES && keptFiles.length < MAX_KEPT_FILES) {
    keptFiles.push(file);
    return;
  }
  await file.handle.close();
  await file.remove?.();
}

/** Closes the kept feed files (their memory goes with them); the server calls it when it stops. */
export async function closeFeedFiles(): Promise<void> {
  await Promise.all(keptFiles.splice(0).map((f) => f.handle.close()));
}

/** Writes every part at offset 0, in order, whatever the kernel takes per write. */
async function writeAll(handle: FileHandle, parts: Uint8Array[]): Promise<number> {
  let written = (await handle.writev(parts, 0)).bytesWritten;
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

/** Writes `feeds` for a call; call `release` when the call ends (the file is kept or removed). */
export async function sendFeeds(
  feeds: readonly Feed[],
): Promise<{ ref: FeedsRef; release: () => Promise<void> }> {
  const values = feeds.reduce((n, f) => n + f.columns.closeTime.length * PACKED_COLUMNS.length, 0);
  if (values < INLINE_VALUES) {
    // Columns in shared memory cannot cross to another process: small ones are copied inline.
    const inline = feeds.map((f) => ({
      ...f,
      columns: Object.fromEntries(
        PACKED_COLUMNS.map((k) => [k, Float64Array.from(f.columns[k])]),
      ) as unknown as CandleColumns,
    }));
    return { ref: { inline }, release: async () => {} };
  }
  const total = values * Float64Array.BYTES_PER_ELEMENT;
  const file = await takeFeedFile();
  try {
    // Feed after feed, column after column, as the layout of packed-feeds.ts says; a kept file
    // may be longer than this feed, so it is cut to the feed's size (the process reads it whole).
    const parts = feeds.flatMap((f) => PACKED_COLUMNS.map((k) => bytesOf(f.columns[k])));
    const written = await writeAll(file.handle, parts);
    if (written !== total) throw new Error(`feed file: wrote ${written} of ${total} bytes`);
    await file.handle.truncate(total);
  } catch (error) {
    await file.handle.close();
    await file.remove?.();
    throw error;
  }
  const meta = feeds.map((f) => ({
    symbol: f.symbol,
    interval: f.interval,
    length: f.columns.closeTime.length,
  }));
  return { ref: { file: file.path, feeds: meta }, release: () => giveBack(file, total) };
}

/**
 * Feed memory a sandbox process keeps between calls. Up to this size the next call's feed is read
 * into memory already touched; a larger buffer is dropped after its call, so a process that once
 * served a long run does not hold that memory against the next, smaller one (its resident memory
 * is what the supervisor bounds).
 */
const MAX_KEPT_FEED_BYTES = 64 * 1024 * 1024;
let kept: SharedArrayBuffer | undefined;

/** A shared buffer of at least `size` bytes: the kept one when it is large enough. */
function feedBuffer(size: number): SharedArrayBuffer {
  if (kept !== undefined && kept.byteLength >= size) return kept;
  const buffer = new SharedArrayBuffer(size);
  kept = size <= MAX_KEPT_FEED_BYTES ? buffer : undefined;
  return buffer;
}

/** The feeds of a call, in the sandbox process (views valid until the next call). */
export function receiveFeeds(ref: FeedsRef): Feed[] {
  if ('inline' in ref) return ref.inline;
  // One synchronous read (readFile's chunked reads took 0.55 s for 56 MB) into shared memory:
  // the isolate then reads the columns in place (sandbox.ts) instead of receiving a copy.
  const fd = openSync(ref.file, 'r');
  let shared: SharedArrayBuffer;
  let size: number;
  try {
    size = fstatSync(fd).size;
    shared = feedBuffer(size);
    const view = new Uint8Array(shared, 0, size);
    for (let done = 0; done < size;) {
      const n = readSync(fd, view, done, size - done, done);
      if (n === 0) throw new Error(`feed file ${ref.file} ended early`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  const expected = ref.feeds.reduce((n, f) => n + f.length * PACKED_COLUMNS.length, 0);
  if (size !== expected * Float64Array.BYTES_PER_ELEMENT)
    throw new Error(`feed file ${ref.file} holds ${size} bytes, not ${expected} values`);
  let offset = 0;
  return ref.feeds.map((meta) => {
    const columns = {} as Record<(typeof PACKED_COLUMNS)[number], Float64Array>;
    for (const k of PACKED_COLUMNS) {
      columns[k] = new Float64Array(shared, offset * Float64Array.BYTES_PER_ELEMENT, meta.length);
      offset += meta.length;
    }
    return { symbol: meta.symbol, interval: meta.interval, columns };
  });
}
