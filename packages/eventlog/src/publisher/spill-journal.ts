/**
 * @module SpillJournal: the publisher's overflow file. Records are appended in the background in
 * batches (group commit: one write + fdatasync per batch, so a caller never waits on disk), read
 * back in order, and the file is truncated once everything in it has been published.
 *
 * Every file operation runs on one promise chain, so reads, writes, truncation and the final
 * rewrite at shutdown never interleave.
 */
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, type Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord } from '../port/event-log.ts';
import { encodeFrames, parseFrames } from './journal-frame.ts';
import { RecordQueue } from './record-queue.ts';

/** Most records encoded into one write; bounds the time one write batch takes on the thread. */
export const DEFAULT_RECORDS_PER_WRITE = 2_000;
/** Bytes read from the file at a time when draining or scanning it. */
export const READ_CHUNK_BYTES = 256 * 1024; // 256 KiB: ~800 typical events, a batch
/** Wait before retrying a failed journal write (disk full, I/O error). */
export const WRITE_RETRY_DELAY_MS = 1_000;

/** Options for {@link SpillJournal}. */
export interface SpillJournalOptions {
  path: string;
  logger: Logger;
  /** Called after each completed write batch (the drain loop may have something to read). */
  onWritten?: () => void;
  /** @default 2_000 */
  recordsPerWrite?: number;
}

/** What opening found in a journal left by a previous run. */
export interface JournalRecovery {
  /** Complete records found (they are re-sent first). */
  records: number;
  /** Bytes cut off the end because they were torn or corrupt (0 when the file was clean). */
  droppedBytes: number;
  /** Why bytes were dropped. */
  detail?: string;
}

/** A batch read from the journal; pass it back to {@link SpillJournal.commit} once published. */
export interface JournalBatch {
  records: AppendRecord[];
  next: number;
}

export class SpillJournal {
  readonly path: string;
  /** Replaceable: the publisher only learns its logger when it starts. */
  logger: Logger;
  readonly #onWritten: () => void;
  readonly #recordsPerWrite: number;
  readonly #pending = new RecordQueue<AppendRecord>();
  #chain: Promise<unknown> = Promise.resolve();
  #opening: Promise<JournalRecovery> | undefined;
  #handle: FileHandle | undefined;
  #writeQueued = false;
  #closed = false;
  /** File size as written by us. */
  #writtenEnd = 0;
  /** First byte not yet published. */
  #readPos = 0;
  /** Complete frames in [readPos, writtenEnd). */
  #unread = 0;
  /** End of the records recovered from a previous run, which go out before anything newer. */
  #prefixEnd = 0;
  #prefixRecords = 0;
  #writeError: unknown;

  constructor(options: SpillJournalOptions) {
    this.path = options.path;
    this.logger = options.logger;
    this.#onWritten = options.onWritten ?? (() => {});
    this.#recordsPerWrite = options.recordsPerWrite ?? DEFAULT_RECORDS_PER_WRITE;
  }

  /** Records in the journal not yet published: written plus waiting to be written. */
  get unsent(): number {
    return this.#unread + this.#pending.length;
  }

  /** Complete records on disk ready to be read. */
  get readable(): number {
    return this.#unread;
  }

  /** Records recovered from a previous run that have not been published yet. */
  get prefixRemaining(): number {
    return this.#prefixRecords;
  }

  /** The last write failure, cleared by the next successful write. */
  get writeError(): unknown {
    return this.#writeError;
  }

  /** Opens (creating) the file and scans it; torn or corrupt tails are truncated. Idempotent. */
  open(): Promise<JournalRecovery> {
    this.#opening ??= this.#run(() => this.#recover()).catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /** Queues a record for the next background write. Never blocks. */
  append(record: AppendRecord): void {
    this.#pending.push(record);
    this.#scheduleWrite();
  }

  /** Reads up to `max` records from the first unpublished one. */
  read(max: number): Promise<JournalBatch> {
    return this.#run(() => this.#read(max));
  }

  /** Marks a batch returned by {@link read} as published. */
  commit(batch: JournalBatch): void {
    const count = batch.records.length;
    this.#readPos = batch.next;
    this.#unread -= count;
    this.#prefixRecords = Math.max(0, this.#prefixRecords - count);
  }

  /** When everything written has been published, truncates the file. Returns whether it did. */
  resetIfDrained(): boolean {
    if (this.unsent > 0 || this.#writeQueued || this.#writtenEnd === 0 || this.#closed) return false;
    this.#writtenEnd = this.#readPos = this.#prefixEnd = 0;
    void this.#run(async () => this.#handle?.truncate(0)).catch((error: unknown) =>
      this.logger.error({ err: error, path: this.path }, 'spill journal truncate failed'),
    );
    return true;
  }

  /**
   * Makes the file hold exactly the unsent records, with `insert` placed after any records
   * recovered from a previous run and before anything spilled in this run; fsyncs; closes.
   * Deletes the file when nothing is unsent. The journal cannot be used afterwards.
   */
  persist(insert: readonly AppendRecord[]): Promise<number> {
    this.#closed = true;
    return this.#run(() => this.#persist(insert));
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(operation);
    this.#chain = result.catch(() => {});
    return result;
  }

  async #recover(): Promise<JournalRecovery> {
    await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE });
    const handle = await open(this.path, 'a+', PRIVATE_FILE_MODE);
    this.#handle = handle;
    const size = (await handle.stat()).size;
    let position = 0;
    let records = 0;
    let want = READ_CHUNK_BYTES;
    let detail: string | undefined;
    while (position < size) {
      const parsed = parseFrames(await readAt(handle, position, Math.min(want, size - position)));
      records += parsed.records.length;
      position += parsed.bytes;
      want = READ_CHUNK_BYTES;
      if (!parsed.stop) continue;
      if (parsed.stop.reason === 'partial' && position + parsed.stop.needBytes <= size) {
        want = Math.max(want, parsed.stop.needBytes);
        continue;
      }
      detail = parsed.stop.reason === 'partial' ? 'torn final record' : parsed.stop.detail;
      break;
    }
    const droppedBytes = size - position;
    if (droppedBytes > 0) {
      await handle.truncate(position);
      this.logger.warn(
        { path: this.path, offset: position, droppedBytes, keptRecords: records, detail },
        'spill journal had a torn or corrupt tail; truncated it and kept the records before it',
      );
    }
    this.#writtenEnd = this.#prefixEnd = position;
    this.#unread = this.#prefixRecords = records;
    return droppedBytes > 0 ? { records, droppedBytes, detail } : { records, droppedBytes };
  }

  #scheduleWrite(): void {
    if (this.#writeQueued || this.#closed) return;
    this.#writeQueued = true;
    // Opening is queued first (a no-op once done): the write must not wait on the chain it runs on.
    if (!this.#opening) {
      this.open().catch((error: unknown) =>
        this.logger.error({ err: error, path: this.path }, 'spill journal could not be opened'),
      );
    }
    void this.#run(() => this.#writePending());
  }

  async #writePending(): Promise<void> {
    const batch = this.#pending.peek(this.#recordsPerWrite);
    try {
      const handle = this.#handle;
      if (!handle) throw new Error('spill journal could not be opened');
      const bytes = encodeFrames(batch);
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
      if (bytesWritten !== bytes.length)
        throw new Error(`short write: ${bytesWritten} of ${bytes.length} bytes`);
      await handle.datasync();
      this.#pending.drop(batch.length);
      this.#writtenEnd += bytes.length;
      this.#unread += batch.length;
      this.#writeError = undefined;
    } catch (error) {
      this.#writeError = error;
      this.logger.error(
        { err: error, path: this.path, records: batch.length },
        'spill journal write failed; will retry',
      );
      // A partial write would leave a torn frame that later appends land behind: cut it off.
      await this.#handle?.truncate(this.#writtenEnd).catch(() => {});
      this.#writeQueued = false;
      setTimeout(() => this.#scheduleWrite(), WRITE_RETRY_DELAY_MS).unref();
      return;
    }
    this.#writeQueued = false;
    if (this.#pending.length > 0) this.#scheduleWrite();
    this.#onWritten();
  }

  async #read(max: number): Promise<JournalBatch> {
    const handle = this.#handle;
    const available = this.#writtenEnd - this.#readPos;
    if (!handle || available <= 0 || this.#unread === 0) return { records: [], next: this.#readPos };
    let want = Math.min(available, READ_CHUNK_BYTES);
    for (;;) {
      const parsed = parseFrames(await readAt(handle, this.#readPos, want), max);
      if (parsed.records.length > 0) return { records: parsed.records, next: this.#readPos + parsed.bytes };
      if (
        parsed.stop?.reason === 'partial' &&
        parsed.stop.needBytes <= available &&
        parsed.stop.needBytes > want
      ) {
        want = parsed.stop.needBytes;
        continue;
      }
      // We wrote these bytes ourselves this run: damage here is a disk fault.
      throw new EventLogError(
        'EVLOG_CORRUPT_RECORD',
        `spill journal is unreadable at byte ${this.#readPos}`,
        {
          details: { path: this.path, offset: this.#readPos, stop: parsed.stop },
        },
      );
    }
  }

  /** Drops everything unread (after {@link read} reported corruption). Returns the records lost. */
  discardUnread(): number {
    const lost = this.#unread;
    this.#unread = this.#prefixRecords = 0;
    this.#readPos = this.#writtenEnd;
    return lost;
  }

  async #persist(insert: readonly AppendRecord[]): Promise<number> {
    const pending = this.#pending.takeAll();
    const total = this.#unread + pending.length + insert.length;
    const source = this.#handle;
    if (total === 0) {
      await source?.close();
      await unlink(this.path).catch(ignoreMissing);
      return 0;
    }
    await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE });
    const insertAt = this.#prefixRecords > 0 ? this.#prefixEnd : this.#readPos;
    const temporary = `${this.path}.tmp`;
    const out = await open(temporary, 'w', PRIVATE_FILE_MODE);
    try {
      if (source) await copyRange(source, out, this.#readPos, insertAt);
      await writeRecords(out, insert, this.#recordsPerWrite);
      if (source) await copyRange(source, out, insertAt, this.#writtenEnd);
      await writeRecords(out, pending, this.#recordsPerWrite);
      await out.datasync();
    } finally {
      await out.close();
    }
    await source?.close();
    await rename(temporary, this.path);
    await syncDirectory(dirname(this.path));
    return total;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(length); // never pooled: record payloads are views into it
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

async function copyRange(from: FileHandle, to: FileHandle, start: number, end: number): Promise<void> {
  for (let at = start; at < end;) {
    const chunk = await readAt(from, at, Math.min(READ_CHUNK_BYTES, end - at));
    if (chunk.length === 0) break;
    await to.write(chunk);
    at += chunk.length;
  }
}

async function writeRecords(
  to: FileHandle,
  records: readonly AppendRecord[],
  perWrite: number,
): Promise<void> {
  for (let i = 0; i < records.length; i += perWrite)
    await to.write(encodeFrames(records.slice(i, i + perWrite)));
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
