/**
 * @module Group commit. Each `append` is encoded as it is called (offsets in call order); calls
 * queue while the previous group is being written. The writer then takes everything queued and
 * writes it with one positioned `writev` and (under `fsync: 'always'`) one fdatasync, and only
 * then makes the records visible and resolves the callers. Groups grow with load, so the fsync is
 * shared by more records exactly when it matters, and encoding overlaps the disk wait.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '@tickline/kernel';
import type { AppendRecord, AppendResult } from '../port/event-log.ts';
import { EventLogError } from '../port/errors.ts';
import { fsyncDirectory, writevAll } from './fs-util.ts';
import { encodeAppend, MARK_FIELDS, type EncodeContext, type EncodedAppend } from './group-encoder.ts';
import { updateSegmentGauges, type LogState } from './log-state.ts';
import { Segment } from './segment.ts';

/**
 * Under `fsync: 'always'` segments are opened O_DSYNC: a `writev` returns once its bytes are on
 * disk, as a `writev` then `fdatasync` would (POSIX's synchronized data integrity), in one call on
 * the thread pool instead of two — each call is a hop back to the event loop before the next can
 * start, and on a busy core a hop can wait a time slice. 0 where the platform has no O_DSYNC
 * (Windows): the writer then fdatasyncs after the write, as before.
 */
const O_DSYNC = constants.O_DSYNC ?? 0;

/** `flags` for a segment of a log with `fsync`, O_DSYNC added under `always`. */
function segmentFlags(fsync: string, flags: number): number {
  return fsync === 'always' ? flags | O_DSYNC : flags;
}

export class GroupWriter {
  readonly #state: LogState;
  readonly #onRoll: () => void;
  readonly #context: EncodeContext;
  #fh: FileHandle;
  #active: Segment;
  #pending: EncodedAppend[] = [];
  #running: Promise<void> | undefined;
  #syncRequested = false;
  #unsynced = false;
  #failure: Error | undefined;

  private constructor(state: LogState, fh: FileHandle, active: Segment, onRoll: () => void) {
    this.#state = state;
    this.#fh = fh;
    this.#active = active;
    this.#onRoll = onRoll;
    this.#context = { next: state.lastCommitted + 1, dedupe: state.dedupe, failed: new Map(), now: 0 };
  }

  /** Opens the active (last) segment for appending at its verified end. */
  static async open(state: LogState, onRoll: () => void): Promise<GroupWriter> {
    const active = state.segments.at(-1)!;
    const fh = await open(active.path, segmentFlags(state.options.fsync, constants.O_RDWR));
    return new GroupWriter(state, fh, active, onRoll);
  }

  /** Why appends are refused, once a write or fsync failed in a way that cannot be undone. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    if (this.#failure) return Promise.reject(this.#unavailable(this.#failure));
    return new Promise((resolve, reject) => {
      this.#context.now = this.#state.options.now();
      const encoded = encodeAppend(records, this.#context, resolve, reject);
      this.#pending.push(encoded);
      this.#kick();
    });
  }

  /** Asks for an fdatasync of what was written (the `interval` policy's timer). */
  requestSync(): void {
    if (!this.#unsynced || this.#failure) return;
    this.#syncRequested = true;
    this.#kick();
  }

  /** Writes everything queued, syncs, and closes the segment file. */
  async close(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#unsynced && !this.#failure) await this.#sync();
    await this.#fh.close().catch(() => {}); // already closed when a roll failed half-way
  }

  #kick(): void {
    // A microtask, not a timer: appends issued in the same tick join one group, and an idle log
    // starts writing at once.
    this.#running ??= Promise.resolve().then(() => this.#loop());
  }

  async #loop(): Promise<void> {
    try {
      while (!this.#failure && (this.#pending.length > 0 || this.#syncRequested)) {
        if (this.#pending.length > 0) {
          const group = this.#pending;
          this.#pending = [];
          await this.#commit(group);
        } else {
          this.#syncRequested = false;
          await this.#sync().catch(() => {}); // #sync recorded the failure
        }
      }
      if (this.#failure) this.#rejectAll(this.#pending.splice(0), this.#failure);
    } finally {
      this.#running = undefined;
    }
  }

  async #commit(group: EncodedAppend[]): Promise<void> {
    let bytes = 0;
    let first = 0;
    for (const item of group) {
      bytes += item.bytes;
      if (first === 0 && item.records.length > 0) first = item.records[0]!.offset;
    }
    if (bytes > 0) {
      const state = this.#state;
      try {
        if (this.#active.size > 0 && this.#active.size + bytes > state.options.segmentBytes)
          await this.#roll(first).catch((error: unknown) => {
            this.#fail(error as Error);
            throw error;
          });
        await this.#write(group, bytes);
      } catch (error) {
        await this.#undo(group, error as Error);
        return;
      }
    }
    this.#publish(group);
    for (const item of group) item.resolve(item.results);
  }

  async #write(group: EncodedAppend[], bytes: number): Promise<void> {
    const position = this.#active.size;
    const buffers = group.filter((item) => item.bytes > 0).map((item) => item.buf.subarray(0, item.bytes));
    const durable = this.#state.options.fsync === 'always' && O_DSYNC !== 0;
    const started = performance.now();
    await writevAll(this.#fh, buffers, position);
    // From here the bytes are in the file; a failed fsync below is not undone but fails the writer.
    this.#active.size += bytes;
    if (durable) this.#state.metrics.fsyncSeconds.observe((performance.now() - started) / 1000);
    else this.#unsynced = true;
    if (this.#state.options.fsync === 'always' && !durable) await this.#sync();
    let base = position;
    for (const item of group) {
      const marks = item.marks;
      for (let i = 0; i < marks.length; i += MARK_FIELDS)
        this.#active.noteFrame(marks[i]!, base + marks[i + 1]!, marks[i + 2]!);
      base += item.bytes;
    }
  }

  /** Makes a written group visible to readers and wakes waiting consumers. */
  #publish(group: EncodedAppend[]): void {
    const state = this.#state;
    const metrics = state.metrics;
    let records = 0;
    let bytes = 0;
    let duplicates = 0;
    for (const item of group) {
      duplicates += item.duplicates;
      if (item.records.length === 0) continue;
      state.cache.push(item.records, item.payloadBytes);
      records += item.records.length;
      bytes += item.bytes;
      state.lastCommitted = item.records.at(-1)!.offset;
    }
    if (duplicates > 0) metrics.duplicates.inc(duplicates);
    if (records === 0) return;
    this.#active.last = state.lastCommitted;
    metrics.appendedRecords.inc(records);
    metrics.appendedBytes.inc(bytes);
    metrics.groupCommits.inc();
    metrics.bytes.inc(bytes);
    state.signal.notify();
  }

  /**
   * A write failed. Everything queued was encoded with offsets after the failed group, so it is
   * rejected too (callers retry with the same ids) and offsets restart after the last committed
   * record; the ids are remembered as failed so the retry is not taken for a duplicate. The file
   * is cut back to the last committed frame so the log stays usable (a full disk is survivable).
   * If the cut fails too, or an fsync or roll failed — after which the file may not match what
   * was acknowledged — the writer refuses every later append until the log is reopened.
   */
  async #undo(group: EncodedAppend[], error: Error): Promise<void> {
    const rejected = group.concat(this.#pending.splice(0));
    for (const item of rejected)
      for (const record of item.records) this.#context.failed.set(record.id, record.offset);
    this.#context.next = this.#state.lastCommitted + 1;
    this.#rejectAll(rejected, error);
    if (this.#failure) return;
    this.#state.options.logger.error(
      { err: error, log: this.#state.options.name },
      'event log write failed; appends rejected',
    );
    try {
      await this.#fh.truncate(this.#active.size);
    } catch (truncateError) {
      this.#fail(truncateError as Error);
    }
  }

  async #sync(): Promise<void> {
    const started = performance.now();
    try {
      await this.#fh.datasync();
    } catch (error) {
      this.#fail(error as Error);
      throw error;
    }
    this.#state.metrics.fsyncSeconds.observe((performance.now() - started) / 1000);
    this.#unsynced = false;
  }

  async #roll(base: number): Promise<void> {
    const state = this.#state;
    const now = state.options.now();
    if (this.#unsynced) await this.#sync();
    await this.#fh.close();
    this.#active.sealedAt = now;
    const segment = new Segment(state.options.dir, base, 0, now);
    segment.indexed = true;
    // Segments hold every event payload (account data included): owner-only, whatever the umask.
    this.#fh = await open(
      segment.path,
      segmentFlags(state.options.fsync, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL),
      PRIVATE_FILE_MODE,
    );
    await fsyncDirectory(state.options.dir);
    this.#active = segment;
    state.segments.push(segment);
    updateSegmentGauges(state);
    state.options.logger.info({ log: state.options.name, base }, 'event log segment rolled');
    this.#onRoll();
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#state.options.logger.error(
      { err: error, log: this.#state.options.name },
      'event log write or fsync failed; appends refused until the log is reopened',
    );
  }

  #rejectAll(items: EncodedAppend[], error: Error): void {
    const rejection = this.#unavailable(error);
    for (const item of items) item.reject(rejection);
  }

  #unavailable(cause: Error): EventLogError {
    return new EventLogError(
      'EVLOG_UNAVAILABLE',
      `event log "${this.#state.options.name}" could not write: ${cause.message}`,
      {
        cause,
      },
    );
  }
}
