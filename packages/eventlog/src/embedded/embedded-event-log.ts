/**
 * @module The embedded EventLog: Tickline's default log, segmented append-only files in one
 * directory and no external process.
 *
 * Layout of `dir`: `00000000000000000001.log`, … (segments named by their first offset),
 * `consumers.json` (durable consumer positions) and `LOCK` (the writer's pid).
 *
 * What it promises, and where each part lives:
 * - An append resolves once its group is written and, under `fsync: 'always'`, fdatasynced
 *   (group-writer.ts). Consumers only ever see such records.
 * - Acknowledgements reach disk within `checkpointIntervalMs`: a crash redelivers at most that
 *   window — at-least-once (checkpoint-store.ts).
 * - Opening cuts a torn or garbage tail and reports it (recovery.ts). A damaged record elsewhere
 *   is skipped and counted; only a `read` of exactly that one record fails with
 *   EVLOG_CORRUPT_RECORD (log-reader.ts).
 * - Duplicates are answered for `dedupeWindowMs`, bounded to `dedupeMaxEntries` ids (id-window.ts).
 * - The log keeps a reference to each appended payload while the record is in the in-memory
 *   cache: do not modify a payload after appending it (encodeEvent returns a fresh one).
 *
 * @example
 * const log = await createEmbeddedEventLog({ dir: './data/events', metrics, logger });
 * const [result] = await log.append([{ id, key: 'zone/zone-1', type: 'game.player.moved', payload }]);
 */
import { mkdir } from 'node:fs/promises';
import { PRIVATE_DIR_MODE } from '@tickline/kernel';
import { AppendSignal } from '../memory/append-signal.ts';
import { EventLogError } from '../port/errors.ts';
import type {
  AppendRecord,
  AppendResult,
  ConsumerInfo,
  ConsumerOptions,
  EventLog,
  LogConsumer,
  LogHead,
  LogHealth,
  LogRecord,
  Offset,
  ReadOptions,
  StartPosition,
} from '../port/event-log.ts';
import { CheckpointStore, readCheckpoints } from './checkpoint-store.ts';
import { ConsumerRegistry } from './consumer-registry.ts';
import { createEmbeddedMetrics } from './embedded-metrics.ts';
import { GroupWriter } from './group-writer.ts';
import { IdWindow } from './id-window.ts';
import { acquireLock, type DirectoryLock } from './lock-file.ts';
import { firstOffset, updateSegmentGauges, type LogState } from './log-state.ts';
import { readRecords } from './log-reader.ts';
import { resolveEmbeddedOptions, type EmbeddedEventLogOptions } from './options.ts';
import { RecordCache } from './record-cache.ts';
import { recoverLog, type RecoveryReport } from './recovery.ts';
import { applyRetention, type RetentionResult } from './retention.ts';
import { TailFollower } from './tail-follower.ts';

/** Size and range of an embedded log. */
export interface EmbeddedLogStats {
  segments: number;
  bytes: number;
  first: Offset;
  last: Offset;
}

/** The EventLog port plus what only the embedded log has. */
export interface EmbeddedEventLog extends EventLog {
  /** What opening found: segments, records, a truncated tail, damaged records. */
  readonly recovery: RecoveryReport;
  /** Runs retention now (it also runs on a timer and after every segment roll). */
  applyRetention(): Promise<RetentionResult>;
  stats(): EmbeddedLogStats;
}

/**
 * Opens (creating if missing) the embedded log in `options.dir`: takes the directory lock
 * (EVLOG_LOCKED if another live process holds it), verifies and repairs the tail, and reloads
 * recent ids for dedupe. `readOnly` skips the lock and all writes and follows another writer.
 */
export async function createEmbeddedEventLog(options: EmbeddedEventLogOptions): Promise<EmbeddedEventLog> {
  const resolved = resolveEmbeddedOptions(options);
  if (!resolved.readOnly) await mkdir(resolved.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const lock = resolved.readOnly ? undefined : await acquireLock(resolved.dir, resolved.logger);
  try {
    const state: LogState = {
      options: resolved,
      segments: [],
      lastCommitted: 0,
      cache: new RecordCache(resolved.cacheMaxBytes, resolved.cacheMaxRecords),
      signal: new AppendSignal(),
      dedupe: new IdWindow(resolved.dedupeWindowMs, resolved.dedupeMaxEntries),
      metrics: createEmbeddedMetrics(resolved.metrics, resolved.name),
    };
    const recovery = await recoverLog(state);
    updateSegmentGauges(state);
    if (!resolved.readOnly) await CheckpointStore.cleanup(resolved.dir);
    const checkpoints = new CheckpointStore(
      resolved.dir,
      await readCheckpoints(resolved.dir),
      resolved.checkpointIntervalMs,
      resolved.logger,
      !resolved.readOnly,
    );
    resolved.logger.info(
      { log: resolved.name, dir: resolved.dir, readOnly: resolved.readOnly, ...recovery },
      'event log opened',
    );
    const log = new FileEventLog(state, recovery, checkpoints, lock);
    await log.start();
    return log;
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

class FileEventLog implements EmbeddedEventLog {
  readonly name: string;
  readonly recovery: RecoveryReport;
  readonly state: LogState;
  readonly #checkpoints: CheckpointStore;
  readonly #consumers: ConsumerRegistry;
  readonly #lock: DirectoryLock | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #writer: GroupWriter | undefined;
  #follower: TailFollower | undefined;
  #retention: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(
    state: LogState,
    recovery: RecoveryReport,
    checkpoints: CheckpointStore,
    lock: DirectoryLock | undefined,
  ) {
    this.state = state;
    this.name = state.options.name;
    this.recovery = recovery;
    this.#checkpoints = checkpoints;
    this.#consumers = new ConsumerRegistry(state, checkpoints, () => this.#closed);
    this.#lock = lock;
  }

  async start(): Promise<void> {
    const { readOnly, fsync, fsyncIntervalMs, retention, retentionCheckIntervalMs } = this.state.options;
    if (readOnly) {
      this.#follower = new TailFollower(this.state);
      this.#follower.start();
      return;
    }
    const hasRetention = retention.maxBytes !== undefined || retention.maxAgeMs !== undefined;
    this.#writer = await GroupWriter.open(this.state, () => {
      if (hasRetention) this.#retainInBackground();
    });
    if (fsync === 'interval') this.#every(fsyncIntervalMs, () => this.#writer?.requestSync());
    if (hasRetention) {
      this.#every(retentionCheckIntervalMs, () => this.#retainInBackground());
      this.#retainInBackground();
    }
  }

  append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!this.#writer)
      return Promise.reject(
        new EventLogError('EVLOG_READ_ONLY', `event log "${this.name}" is open read-only`),
      );
    if (!Array.isArray(records))
      return Promise.reject(new EventLogError('EVLOG_INVALID_ARGUMENT', 'append takes an array of records'));
    if (records.length === 0) return Promise.resolve([]);
    return this.#writer.append(records);
  }

  async read(options: ReadOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    if (!Number.isSafeInteger(options.from) || options.from < 0)
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'read: from must be an offset ≥ 0', {
        details: { from: options.from },
      });
    if (!Number.isSafeInteger(options.limit) || options.limit < 0)
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'read: limit must be an integer ≥ 0', {
        details: { limit: options.limit },
      });
    return readRecords(this.state, options.from, options.limit);
  }

  async head(): Promise<LogHead> {
    return { first: firstOffset(this.state), last: this.state.lastCommitted };
  }

  async consumer(name: string, options: ConsumerOptions = {}): Promise<LogConsumer> {
    this.#assertOpen();
    return this.#consumers.open(name, options);
  }

  async consumers(): Promise<ConsumerInfo[]> {
    this.#assertOpen();
    return this.#consumers.list();
  }

  async resetConsumer(name: string, start: StartPosition): Promise<void> {
    this.#assertOpen();
    await this.#consumers.reset(name, start);
  }

  health(): LogHealth {
    if (this.#closed) return { connected: false, detail: 'closed' };
    const failure = this.#writer?.failure;
    if (failure) return { connected: false, detail: `write failed: ${failure.message}` };
    return this.state.options.readOnly ? { connected: true, detail: 'read-only' } : { connected: true };
  }

  applyRetention(): Promise<RetentionResult> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!this.#writer)
      return Promise.reject(
        new EventLogError('EVLOG_READ_ONLY', `event log "${this.name}" is open read-only`),
      );
    const run = this.#retention.then(() => applyRetention(this.state));
    this.#retention = run.catch(() => {});
    return run;
  }

  stats(): EmbeddedLogStats {
    let bytes = 0;
    for (const seg of this.state.segments) bytes += seg.size;
    return {
      segments: this.state.segments.length,
      bytes,
      first: firstOffset(this.state),
      last: this.state.lastCommitted,
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.state.signal.notify();
    try {
      await this.#writer?.close();
      await this.#follower?.stop();
      await this.#retention;
      if (!this.state.options.readOnly) await this.#checkpoints.flush();
    } finally {
      await this.#lock?.release();
    }
    this.state.options.logger.info({ log: this.name, last: this.state.lastCommitted }, 'event log closed');
  }

  #retainInBackground(): void {
    if (this.#closed) return;
    this.applyRetention().catch((error: unknown) =>
      this.state.options.logger.error({ err: error, log: this.name }, 'event log retention failed'),
    );
  }

  #every(intervalMs: number, run: () => void): void {
    const timer = setInterval(run, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): EventLogError {
    return new EventLogError('EVLOG_CLOSED', `event log "${this.name}" is closed`);
  }
}
