/**
 * @module The worker publisher: the {@link Publisher} contract with the log, the memory queue, the
 * spill journal and the appends in a worker thread. On the calling thread `publish` only writes
 * bytes into a pooled batch buffer; each event-loop turn the batch is transferred (not copied) to
 * the worker, which hands the buffer back once read. A producer with a {@link PackedCodecReader}
 * writes its entries' fields straight into the batch ({@link PackedLane}) and builds no event at
 * all: the worker builds, encodes and appends them.
 *
 * Same guarantees as {@link createPublisher}, which runs inside the worker: publish never waits
 * or throws, memory is bounded by `maxQueuedEvents` and the rest spills to the journal, re-sends
 * keep publish order, `stop()` drains or journals everything, and what was only in memory at a
 * `kill -9` is lost — here that also includes the batch not yet handed over (one event-loop turn).
 * Events are taken in publish order across `publish`, `publishRecord` and packed entries.
 */
import { Worker } from 'node:worker_threads';
import {
  encodeEvent,
  Registry,
  ServiceStatus,
  silentLogger,
  type EventEnvelope,
  type Logger,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { EventLogError } from '../../port/errors.ts';
import type { AppendRecord } from '../../port/event-log.ts';
import { assertFrameable } from '../journal-frame.ts';
import { DEFAULT_FLUSH_TIMEOUT_MS, type Publisher, type PublisherStats } from '../publisher.ts';
import { createPublisherMetrics, type PublisherMetrics } from '../publisher-metrics.ts';
import { resolvePublisherOptions, type PublisherOptions } from '../publisher-options.ts';
import type { JournalRecovery } from '../spill-journal.ts';
import { BatchBuffer, DEFAULT_BATCH_BYTES, recordBound, writeRecord } from './packed-batch.ts';
import type { PackedLane } from './packed-codec.ts';
import type {
  FromWorker,
  PublisherWorkerData,
  ToWorker,
  WorkerLogSpec,
  WorkerReport,
} from './worker-protocol.ts';

/** How often the worker reports its counters while they change. */
export const DEFAULT_WORKER_REPORT_INTERVAL_MS = 20;
/**
 * Records per append in the worker. One append is in flight at a time (that is how order holds),
 * so under `fsync: 'always'` each fsync carries at most one batch: the in-thread default (1,000)
 * caps a log whose fsync takes 10 ms at 100k events/s. In its own thread a larger batch delays
 * nobody's work.
 */
export const DEFAULT_WORKER_MAX_BATCH = 8_192;
/** Batch buffers kept for reuse; more are made when the worker falls behind, then dropped. */
const POOL_SIZE = 64;

/** Options for {@link createWorkerPublisher}. */
export interface WorkerPublisherOptions extends Omit<PublisherOptions, 'log'> {
  /** The log the worker opens (plain options: they cross a thread). */
  log: WorkerLogSpec;
  /** Modules whose `packedCodecs` the worker loads, for producers that publish packed entries. */
  codecs?: ReadonlyArray<string | URL>;
  /** Size of each pooled batch buffer. @default 64 KiB */
  batchBytes?: number;
  /** @default 20 */
  reportIntervalMs?: number;
  /** Records per append. @default 8_192 (see {@link DEFAULT_WORKER_MAX_BATCH}) */
  maxBatch?: number;
}

/** A publisher that also takes packed entries. */
export interface WorkerPublisher extends Publisher, PackedLane {}

/**
 * Starts nothing yet: `start()` spawns the worker, which opens the log and the journal.
 * @example
 * const publisher = createWorkerPublisher({ log: { engine: 'embedded', options: { dir } }, spillDir });
 * await publisher.start(context);
 * publisher.publish(event); // bytes into a batch; the worker encodes nothing more and appends
 */
export function createWorkerPublisher(options: WorkerPublisherOptions): WorkerPublisher {
  return new ThreadedPublisher(options);
}

type State = 'created' | 'running' | 'stopping' | 'stopped';

const EMPTY_STATS: PublisherStats = {
  queued: 0,
  spilled: 0,
  spilledTotal: 0,
  published: 0,
  retried: 0,
  appendErrors: 0,
  rejected: 0,
  inFlight: 0,
};

class ThreadedPublisher implements WorkerPublisher {
  readonly name: string;
  readonly #options: WorkerPublisherOptions;
  readonly #batchBytes: number;
  readonly #metrics: PublisherMetrics;
  readonly #pool: BatchBuffer[] = [];
  /** Batches made before the worker was ready, posted in order once it is. */
  readonly #unsent: Array<{ buffer: ArrayBuffer; bytes: number; count: number }> = [];
  readonly #flushes = new Map<number, (drained: boolean) => void>();
  #logger: Logger;
  #state: State = 'created';
  #worker: Worker | undefined;
  #ready = false;
  #current: BatchBuffer | undefined;
  #offset = 0;
  #count = 0;
  #accepted = 0;
  #localRejected = 0;
  #scheduled = false;
  #report: WorkerReport = { stats: EMPTY_STATS, received: 0, health: { status: ServiceStatus.Starting } };
  #counted: PublisherStats = EMPTY_STATS;
  #recovery: JournalRecovery | undefined;
  #fatal: string | undefined;
  #flushId = 0;
  #stopping: Promise<void> | undefined;
  #stopped: (() => void) | undefined;
  #exited = false;
  #lastTimeText = '';
  #lastTime = Number.NaN;

  constructor(options: WorkerPublisherOptions) {
    // Validated here, with the in-thread publisher's rules, so a bad option fails at creation.
    const resolved = resolvePublisherOptions({ ...options, log: undefined as never });
    this.name = resolved.name;
    this.#options = options;
    this.#batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.#logger = options.logger ?? silentLogger;
    this.#metrics = createPublisherMetrics(options.metrics ?? new Registry(), this.name, () => {
      const stats = this.stats();
      return { queued: stats.queued, spilled: stats.spilled, inFlight: stats.inFlight };
    });
  }

  get offset(): number {
    return this.#offset;
  }

  reserve(maxBytes: number): BatchBuffer {
    const current = this.#current;
    if (current && this.#offset + maxBytes <= current.capacity) return current;
    if (current) this.#post();
    const next = maxBytes <= this.#batchBytes ? this.#pool.pop() : undefined;
    this.#current = next ?? new BatchBuffer(new ArrayBuffer(Math.max(this.#batchBytes, maxBytes)));
    this.#offset = 0;
    return this.#current;
  }

  commit(end: number): void {
    if (this.#state === 'stopped') {
      // Nothing is taken after stop: the reserved bytes are left to be overwritten.
      this.#reject(undefined, new EventLogError('EVLOG_CLOSED', `publisher "${this.name}" is stopped`));
      return;
    }
    this.#offset = end;
    this.#count++;
    this.#accepted++;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushBatch);
    }
  }

  publish(event: EventEnvelope): void {
    try {
      if (event.time !== this.#lastTimeText) {
        this.#lastTimeText = event.time;
        this.#lastTime = Date.parse(event.time);
      }
      const time = this.#lastTime;
      this.#write(
        { id: event.id, key: event.partitionkey, type: event.type, payload: encodeEvent(event) },
        Number.isNaN(time) ? Date.now() : time,
      );
    } catch (error) {
      this.#reject((event as Partial<EventEnvelope> | undefined)?.id, error);
    }
  }

  publishRecord(record: AppendRecord): void {
    try {
      assertFrameable(record);
      this.#write(record, record.time ?? Date.now());
    } catch (error) {
      this.#reject((record as Partial<AppendRecord> | undefined)?.id, error);
    }
  }

  flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    this.#post();
    if (this.#state === 'stopped') return Promise.resolve(this.#accepted === this.#report.received);
    const id = ++this.#flushId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (drained: boolean) => {
        clearTimeout(timer);
        this.#flushes.delete(id);
        resolve(drained);
      };
      this.#flushes.set(id, done);
      // Before the worker is ready, the flush is sent after the batches it must follow.
      if (this.#ready) this.#send({ type: 'flush', id, timeoutMs });
      else this.#pendingFlushes.push({ id, timeoutMs });
    });
  }

  readonly #pendingFlushes: Array<{ id: number; timeoutMs: number }> = [];

  stats(): PublisherStats {
    const worker = this.#report;
    return {
      ...worker.stats,
      // Taken but not yet read by the worker: queued in memory all the same.
      queued: worker.stats.queued + (this.#accepted - worker.received),
      rejected: worker.stats.rejected + this.#localRejected,
    };
  }

  recovery(): JournalRecovery | undefined {
    return this.#recovery;
  }

  health(): ServiceHealth {
    const stats = this.stats();
    const info = { queued: stats.queued, spilled: stats.spilled };
    if (this.#state === 'created') return { status: ServiceStatus.Starting, info };
    if (this.#state === 'stopping') return { status: ServiceStatus.Stopping, info };
    if (this.#state === 'stopped') return { status: ServiceStatus.Stopped, info };
    if (this.#fatal !== undefined) return { status: ServiceStatus.Failed, detail: this.#fatal, info };
    const worker = this.#report.health;
    return worker.detail === undefined
      ? { status: worker.status, info }
      : { status: worker.status, detail: worker.detail, info };
  }

  async start(context: ServiceContext): Promise<void> {
    if (this.#state !== 'created')
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', `publisher "${this.name}" was already started`);
    this.#logger = this.#options.logger ?? context.logger;
    const o = this.#options;
    const data: PublisherWorkerData = {
      log: o.log,
      publisher: {
        name: this.name,
        spillDir: o.spillDir,
        ...(o.maxQueuedEvents === undefined ? {} : { maxQueuedEvents: o.maxQueuedEvents }),
        maxBatch: o.maxBatch ?? DEFAULT_WORKER_MAX_BATCH,
        ...(o.retry === undefined ? {} : { retry: o.retry }),
        ...(o.stopDrainTimeoutMs === undefined ? {} : { stopDrainTimeoutMs: o.stopDrainTimeoutMs }),
      },
      codecs: (o.codecs ?? []).map((url) => String(url)),
      reportIntervalMs: o.reportIntervalMs ?? DEFAULT_WORKER_REPORT_INTERVAL_MS,
    };
    const worker = new Worker(new URL('./publisher.worker.ts', import.meta.url), {
      workerData: data,
      name: `publisher-${this.name}`,
    });
    this.#worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`publisher worker exited with ${code} before it was ready`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          worker.off('exit', onExit);
          worker.off('error', reject);
          this.#recovery = message.recovery;
          this.#onReport(message.report);
          resolve();
        } else if (message.type === 'start-failed') {
          worker.off('exit', onExit);
          reject(
            new EventLogError('EVLOG_UNAVAILABLE', `publisher worker could not start: ${message.error}`),
          );
        } else this.#onMessage(message, context);
      });
    });
    worker.on('error', (error) => {
      this.#fatal = error.message;
      context.fail(error);
    });
    worker.once('exit', (code) => {
      this.#exited = true;
      if (this.#state === 'running') {
        // Not asked to stop: what it held in memory is lost, as with a crash of the process.
        this.#fatal ??= `publisher worker exited with ${code}`;
        context.fail(new EventLogError('EVLOG_UNAVAILABLE', this.#fatal));
      }
      this.#stopped?.();
    });
    this.#state = 'running';
    this.#ready = true;
    for (const batch of this.#unsent.splice(0)) this.#send({ type: 'batch', ...batch }, [batch.buffer]);
    for (const flush of this.#pendingFlushes.splice(0)) this.#send({ type: 'flush', ...flush });
    if (this.#recovery && this.#recovery.records > 0)
      this.#logger.info({ records: this.#recovery.records }, 're-sending events journaled by a previous run');
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#state === 'created') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    this.#post();
    const worker = this.#worker!;
    if (!this.#exited) {
      const exited = new Promise<void>((resolve) => (this.#stopped = resolve));
      this.#send({ type: 'stop' });
      await exited;
    }
    // The worker is gone: anything it did not report as taken was lost with it (a crash).
    this.#state = 'stopped';
    for (const done of [...this.#flushes.values()]) done(false);
    await worker.terminate();
  }

  #write(record: AppendRecord, time: number): void {
    if (this.#state === 'stopped')
      throw new EventLogError('EVLOG_CLOSED', `publisher "${this.name}" is stopped`);
    const buf = this.reserve(recordBound(record));
    this.commit(writeRecord(buf, this.#offset, record, time));
  }

  readonly #flushBatch = (): void => {
    this.#scheduled = false;
    this.#post();
  };

  /** Hands the current batch to the worker (or keeps it until the worker is ready). */
  #post(): void {
    const current = this.#current;
    if (!current || this.#count === 0) return;
    const batch = { buffer: current.buffer, bytes: this.#offset, count: this.#count };
    this.#current = undefined;
    this.#offset = 0;
    this.#count = 0;
    if (this.#ready) this.#send({ type: 'batch', ...batch }, [batch.buffer]);
    else this.#unsent.push(batch);
  }

  #send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker!.postMessage(message, transfer);
  }

  #onMessage(message: FromWorker, context: ServiceContext): void {
    switch (message.type) {
      case 'free':
        if (this.#pool.length < POOL_SIZE && message.buffer.byteLength === this.#batchBytes)
          this.#pool.push(new BatchBuffer(message.buffer));
        this.#onReport(message.report);
        return;
      case 'report':
        this.#onReport(message.report);
        return;
      case 'flushed':
        this.#onReport(message.report);
        this.#flushes.get(message.id)?.(message.drained);
        return;
      case 'log': {
        const target =
          Object.keys(message.bindings).length > 0 ? this.#logger.child(message.bindings) : this.#logger;
        if (message.message === undefined) target[message.level](message.fields);
        else target[message.level](message.fields, message.message);
        return;
      }
      case 'fatal':
        this.#fatal = message.error;
        context.fail(new EventLogError('EVLOG_UNAVAILABLE', `publisher worker failed: ${message.error}`));
        return;
      case 'stopped':
        this.#onReport(message.report);
        return;
      case 'ready':
      case 'start-failed':
        return;
    }
  }

  /** Takes the worker's counters and moves the Prometheus counters by what changed. */
  #onReport(report: WorkerReport): void {
    this.#report = report;
    const now = report.stats;
    const before = this.#counted;
    const m = this.#metrics;
    if (now.published > before.published) m.published.inc(now.published - before.published);
    if (now.retried > before.retried) m.retried.inc(now.retried - before.retried);
    if (now.appendErrors > before.appendErrors) m.appendErrors.inc(now.appendErrors - before.appendErrors);
    if (now.spilledTotal > before.spilledTotal) m.spilledTotal.inc(now.spilledTotal - before.spilledTotal);
    if (now.rejected > before.rejected) m.rejected.inc(now.rejected - before.rejected);
    this.#counted = now;
  }

  #reject(id: string | undefined, error: unknown): void {
    this.#localRejected++;
    this.#metrics.rejected.inc();
    this.#logger.error({ err: error, id }, 'publisher refused an event; it will not be published');
  }
}
