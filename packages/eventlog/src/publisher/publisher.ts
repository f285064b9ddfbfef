/**
 * @module The publisher: fire-and-forget publishing with an outage buffer. `publish()` encodes
 * and queues in memory and returns at once; one drain loop appends batches in order, retrying the
 * same records with backoff while the log is down. When the memory queue is full, new events go to
 * a spill journal on disk (written in the background) until the journal has been drained again.
 *
 * Durability: an event is safe once the log acknowledged it, or once its journal write (with
 * fdatasync) completed. `stop()` writes whatever is still in memory to the journal, so a graceful
 * shutdown loses nothing; the next `start()` re-sends the journal first, in order. Events only in
 * memory when the process is killed (`kill -9`, OOM, power loss) are LOST. Re-sent records keep
 * their ids, so the log dedupes them within its window and idempotent consumers skip the rest.
 */
import {
  encodeEvent,
  ServiceStatus,
  silentLogger,
  type EventEnvelope,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { RetryPolicy } from 'cockatiel';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord } from '../port/event-log.ts';
import {
  AppendAbortedError,
  appendWithRetry,
  createAppendRetryPolicy,
  isPermanentAppendError,
} from './append-with-retry.ts';
import { assertFrameable } from './journal-frame.ts';
import { createPublisherMetrics, type PublisherMetrics } from './publisher-metrics.ts';
import {
  resolvePublisherOptions,
  type PublisherOptions,
  type ResolvedPublisherOptions,
} from './publisher-options.ts';
import { OutageBuffer } from './outage-buffer.ts';
import type { JournalRecovery } from './spill-journal.ts';

/** How long {@link Publisher.flush} waits when not told. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;

/** Counters since start (`queued`, `spilled`, `inFlight` are current values). */
export interface PublisherStats {
  /** Events in the memory queue. */
  queued: number;
  /** Events in the spill journal (written or being written), not yet published. */
  spilled: number;
  /** Events ever sent to the spill journal. */
  spilledTotal: number;
  /** Events acknowledged by the log (duplicates included: they are in the log). */
  published: number;
  /** Append attempts that repeated a failed batch. */
  retried: number;
  /** Failed append attempts. */
  appendErrors: number;
  /** Events refused permanently (unencodable, invalid for the log, or published after stop). */
  rejected: number;
  /** Events in the append in flight. */
  inFlight: number;
}

/** A fire-and-forget publisher. */
export interface Publisher extends Service {
  /** Encodes and queues `event`. Returns at once and never throws. */
  publish(event: EventEnvelope): void;
  /** Queues an already-encoded record. Returns at once and never throws. */
  publishRecord(record: AppendRecord): void;
  /** Resolves true once everything published before the call is in the log, false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): PublisherStats;
  /** What `start()` found in a journal left by a previous run. */
  recovery(): JournalRecovery | undefined;
}

/**
 * Creates a publisher; add it to the service host before the services that publish.
 * @example
 * const publisher = createPublisher({ log, spillDir: './data/spill' });
 * await publisher.start(context);
 * publisher.publish(event); // never waits, never throws
 */
export function createPublisher(options: PublisherOptions): Publisher {
  return new BufferedPublisher(resolvePublisherOptions(options));
}

type State = 'created' | 'running' | 'stopping' | 'stopped';

class BufferedPublisher implements Publisher {
  readonly name: string;
  readonly #options: ResolvedPublisherOptions;
  readonly #buffer: OutageBuffer;
  readonly #retry: RetryPolicy;
  readonly #metrics: PublisherMetrics;
  readonly #abort = new AbortController();
  readonly #counts = { spilledTotal: 0, published: 0, retried: 0, appendErrors: 0, rejected: 0 };
  readonly #flushWaiters = new Set<{ target: number; resolve: (drained: boolean) => void }>();
  #logger: Logger;
  #state: State = 'created';
  #accepted = 0;
  #settled = 0;
  #inFlight = 0;
  #failing: unknown;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  #stopping: Promise<void> | undefined;
  #recovery: JournalRecovery | undefined;
  #lastTimeText = '';
  #lastTime = Number.NaN;

  constructor(options: ResolvedPublisherOptions) {
    this.name = options.name;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#buffer = new OutageBuffer({ ...options, logger: this.#logger, onReady: () => this.#wake() });
    this.#retry = createAppendRetryPolicy(options.retryInitialDelayMs, options.retryMaxDelayMs);
    this.#metrics = createPublisherMetrics(options.metrics, options.name, () => ({
      queued: this.#buffer.queued,
      spilled: this.#buffer.spilled,
      inFlight: this.#inFlight,
    }));
  }

  publish(event: EventEnvelope): void {
    try {
      // Events of one source share the time text within a millisecond: parse each text once.
      if (event.time !== this.#lastTimeText) {
        this.#lastTimeText = event.time;
        this.#lastTime = Date.parse(event.time);
      }
      const time = this.#lastTime;
      this.#accept({
        id: event.id,
        key: event.partitionkey,
        type: event.type,
        time: Number.isNaN(time) ? Date.now() : time,
        payload: encodeEvent(event),
      });
    } catch (error) {
      this.#reject((event as Partial<EventEnvelope> | undefined)?.id, error);
    }
  }

  publishRecord(record: AppendRecord): void {
    try {
      const { id, key, type, payload } = record;
      this.#accept({ id, key, type, payload, time: record.time ?? Date.now() });
    } catch (error) {
      this.#reject((record as Partial<AppendRecord> | undefined)?.id, error);
    }
  }

  flush(timeoutMs: number = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    const target = this.#accepted;
    if (this.#settled >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: (drained: boolean) => {
          clearTimeout(timer);
          this.#flushWaiters.delete(waiter);
          resolve(drained);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.#flushWaiters.add(waiter);
    });
  }

  stats(): PublisherStats {
    return {
      queued: this.#buffer.queued,
      spilled: this.#buffer.spilled,
      inFlight: this.#inFlight,
      ...this.#counts,
    };
  }

  recovery(): JournalRecovery | undefined {
    return this.#recovery;
  }

  health(): ServiceHealth {
    const info = { queued: this.#buffer.queued, spilled: this.#buffer.spilled };
    if (this.#state === 'created') return { status: ServiceStatus.Starting, info };
    if (this.#state === 'stopping') return { status: ServiceStatus.Stopping, info };
    if (this.#state === 'stopped') return { status: ServiceStatus.Stopped, info };
    if (this.#failing !== undefined) {
      return {
        status: ServiceStatus.Degraded,
        detail: `event log append failing (${message(this.#failing)}); events are buffered`,
        info,
      };
    }
    if (this.#buffer.journalError !== undefined) {
      return {
        status: ServiceStatus.Degraded,
        detail: `spill journal write failing (${message(this.#buffer.journalError)})`,
        info,
      };
    }
    return { status: ServiceStatus.Up, info };
  }

  async start(context: ServiceContext): Promise<void> {
    if (this.#state !== 'created')
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', `publisher "${this.name}" was already started`);
    this.#logger = this.#options.logger ?? context.logger;
    this.#buffer.logger = this.#logger;
    const recovery = await this.#buffer.open();
    this.#recovery = recovery;
    if (recovery.records > 0) {
      // They go out before anything published in this run (the journal sends its prefix first).
      this.#accepted += recovery.records;
      this.#logger.info(
        { records: recovery.records, journal: this.#buffer.journalPath },
        're-sending events journaled by a previous run',
      );
    }
    this.#state = 'running';
    this.#drain().catch((error: unknown) => context.fail(error));
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    const drained = wasRunning
      ? await this.flush(this.#options.stopDrainTimeoutMs)
      : this.#settled >= this.#accepted;
    // From here on publish() refuses: what is queued now is exactly what the journal must keep.
    this.#state = 'stopped';
    this.#abort.abort();
    this.#wake();
    const saved = await this.#buffer.persist();
    for (const waiter of this.#flushWaiters) waiter.resolve(false);
    if (drained)
      this.#logger.info({ published: this.#counts.published }, 'publisher stopped; everything was published');
    else
      this.#logger.warn(
        { saved, journal: this.#buffer.journalPath },
        'publisher stopped with events unpublished; saved them to the journal for the next start',
      );
  }

  #accept(record: AppendRecord): void {
    if (this.#state === 'stopped') {
      throw new EventLogError('EVLOG_CLOSED', `publisher "${this.name}" is stopped`);
    }
    assertFrameable(record);
    this.#accepted++;
    if (this.#buffer.push(record)) {
      this.#counts.spilledTotal++;
      this.#metrics.spilledTotal.inc();
    }
    this.#wake();
  }

  #reject(id: string | undefined, error: unknown): void {
    this.#counts.rejected++;
    this.#metrics.rejected.inc();
    this.#logger.error({ err: error, id }, 'publisher refused an event; it will not be published');
  }

  async #drain(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      this.#woken = false;
      const batch = await this.#buffer.next((lost, error) => this.#lost(lost, error));
      if (!batch) await this.#sleep();
      if (!batch || batch.records.length === 0 || signal.aborted) continue;
      if (!(await this.#send(batch.records))) return;
      batch.commit();
      this.#settle(batch.records.length);
    }
  }

  #lost(count: number, error: unknown): void {
    this.#counts.rejected += count;
    this.#metrics.rejected.inc(count);
    this.#settle(count);
    this.#logger.error(
      { err: error, lost: count },
      'spill journal unreadable; the unread rest of it was dropped',
    );
  }

  /** Appends one batch until stored. Returns false when aborted by stop(). */
  async #send(records: AppendRecord[]): Promise<boolean> {
    this.#inFlight = records.length;
    try {
      const results = await appendWithRetry(
        this.#options.log,
        records,
        this.#retry,
        this.#observer,
        this.#abort.signal,
      );
      results.forEach((result, i) => {
        if (result.ok) {
          this.#counts.published++;
          this.#metrics.published.inc();
        } else this.#reject(records[i]?.id, result.error);
      });
      return true;
    } catch (error) {
      if (error instanceof AppendAbortedError || this.#abort.signal.aborted) return false;
      if (!isPermanentAppendError(error)) throw error;
      // The log refused the whole batch for a bad record: find it by sending one at a time.
      if (records.length === 1) this.#reject(records[0]?.id, error);
      else for (const record of records) if (!(await this.#send([record]))) return false;
      return true;
    } finally {
      this.#inFlight = 0;
    }
  }

  readonly #observer = {
    attempt: (attempt: number) => {
      if (attempt === 0) return;
      this.#counts.retried++;
      this.#metrics.retried.inc();
    },
    failed: (error: unknown) => {
      this.#counts.appendErrors++;
      this.#metrics.appendErrors.inc();
      if (this.#failing === undefined) {
        this.#logger.warn(
          { err: error, queued: this.#buffer.queued },
          'event log append failed; buffering and retrying',
        );
      }
      this.#failing = error;
    },
    succeeded: () => {
      if (this.#failing === undefined) return;
      this.#failing = undefined;
      this.#logger.info(
        { queued: this.#buffer.queued, spilled: this.#buffer.spilled },
        'event log append recovered',
      );
    },
    timed: (seconds: number) => this.#metrics.appendSeconds.observe(seconds),
  };

  #settle(count: number): void {
    this.#settled += count;
    for (const waiter of this.#flushWaiters) if (this.#settled >= waiter.target) waiter.resolve(true);
  }

  /** Resolves on the next publish, completed journal write or stop — or at once if one came already. */
  #sleep(): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => (this.#wakeUp = resolve));
  }

  #wake(): void {
    const wakeUp = this.#wakeUp;
    this.#woken = true;
    if (!wakeUp) return;
    this.#wakeUp = undefined;
    wakeUp();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
