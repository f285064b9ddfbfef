/**
 * @module Pipelined appends: every record is a plain NATS publish whose reply subject is a token
 * on one shared inbox subscription, so many publishes are in flight at once (bounded by
 * `maxInflight`) and each JetStream PubAck is matched back to its record here. This avoids the
 * per-request promise, timer and error object of `js.publish()`.
 */
import {
  createInbox,
  headers,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';
import type { AppendRecord, AppendResult } from '../port/event-log.ts';
import type { NatsMetrics } from './metrics.ts';
import type { SubjectScheme } from './subjects.ts';
import { parsePubAck } from './pub-ack.ts';
import { RecordHeaders } from './record-codec.ts';

/** One `append()` call: its records, their results, and how far it got. */
interface AppendCall {
  records: readonly AppendRecord[];
  results: AppendResult[];
  /** Index of the next record to publish. */
  next: number;
  /** Records without a result yet. */
  remaining: number;
  /** A transient failure: later records of this call are not sent, so a retry keeps the order. */
  broken: boolean;
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

interface InflightPublish {
  call: AppendCall;
  index: number;
  deadline: number;
}

/** What the pipeline needs from its owner. */
export interface PublishPipelineOptions {
  nc: NatsConnection;
  subjects: SubjectScheme;
  maxInflight: number;
  publishTimeoutMs: number;
  metrics: NatsMetrics;
  isConnected: () => boolean;
}

const MAX_SWEEP_INTERVAL_MS = 250;
const MIN_SWEEP_INTERVAL_MS = 10;

export class PublishPipeline {
  readonly #options: PublishPipelineOptions;
  readonly #inbox: string;
  readonly #inboxLength: number;
  readonly #sub: Subscription;
  readonly #inflight = new Map<number, InflightPublish>();
  #queue: AppendCall[] = [];
  #head = 0;
  #nextToken = 1;
  #sweeper: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  #pumpScheduled = false;
  readonly #refillBelow: number;

  constructor(options: PublishPipelineOptions) {
    this.#options = options;
    this.#refillBelow = Math.max(0, Math.floor(options.maxInflight / 2));
    this.#inbox = createInbox();
    this.#inboxLength = this.#inbox.length + 1;
    // The callback form skips the async iterator: acks are handled synchronously as they arrive.
    this.#sub = options.nc.subscribe(`${this.#inbox}.*`, { callback: (_err, msg) => this.#onAck(msg) });
  }

  /** Publishes `records` in order; resolves with one result per record. */
  append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({
        records,
        results: new Array<AppendResult>(records.length),
        next: 0,
        remaining: records.length,
        broken: false,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /**
   * The connection dropped: acks for what is in flight will never come (the new connection has a
   * new reply route), and nats.js discards its unsent buffer on reconnect. Fail everything now so
   * callers retry with the same ids; the stream drops the copies it already stored.
   */
  failAll(reason: string): void {
    const error = () => new EventLogError('EVLOG_UNAVAILABLE', reason);
    for (const [token, entry] of this.#inflight) {
      this.#inflight.delete(token);
      this.#fail(entry.call, entry.index, error());
    }
    for (let i = this.#head; i < this.#queue.length; i++) {
      const call = this.#queue[i]!;
      if (call.next === 0) {
        call.remaining = 0;
        call.reject(error());
      } else {
        call.broken = true;
        this.#skipRest(call);
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#settleIdle();
  }

  /** Sends whatever waits for a free slot (after a reconnect). */
  resume(): void {
    this.#pump();
  }

  /** Resolves once nothing is queued or in flight. */
  async drained(): Promise<void> {
    if (this.#inflight.size === 0 && this.#head >= this.#queue.length) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  close(): void {
    this.failAll('the event log closed before the ack arrived');
    this.#stopSweeper();
    this.#sub.unsubscribe();
  }

  #pump(): void {
    const { maxInflight, isConnected } = this.#options;
    while (this.#head < this.#queue.length && this.#inflight.size < maxInflight) {
      if (!isConnected()) return;
      const call = this.#queue[this.#head]!;
      if (call.broken) {
        this.#skipRest(call);
        this.#head++;
        continue;
      }
      const index = call.next++;
      if (call.next >= call.records.length) this.#head++;
      this.#publish(call, index);
    }
    if (this.#head >= this.#queue.length && this.#head > 0) {
      this.#queue = [];
      this.#head = 0;
    }
    this.#options.metrics.inflight.set(this.#inflight.size);
    if (this.#inflight.size > 0) this.#startSweeper();
    this.#settleIdle();
  }

  #publish(call: AppendCall, index: number): void {
    const record = call.records[index]!;
    if (typeof record.id !== 'string' || record.id.length === 0) {
      this.#settle(call, index, {
        ok: false,
        error: new EventLogError('EVLOG_INVALID_ARGUMENT', `record ${index} has an empty id`),
      });
      return;
    }
    const token = this.#nextToken++;
    try {
      const h = headers();
      RecordHeaders.write(h, record);
      this.#options.nc.publish(this.#options.subjects.subjectFor(record.key), record.payload, {
        reply: `${this.#inbox}.${token}`,
        headers: h,
      });
    } catch (error) {
      // Raised synchronously by the client: oversized payload, bad header value, closed connection.
      this.#settle(call, index, {
        ok: false,
        error: new EventLogError(
          'EVLOG_INVALID_ARGUMENT',
          `record ${index} (${record.id}) cannot be published`,
          {
            cause: error,
          },
        ),
      });
      return;
    }
    this.#inflight.set(token, { call, index, deadline: Date.now() + this.#options.publishTimeoutMs });
  }

  #onAck(msg: Msg): void {
    const token = Number(msg.subject.slice(this.#inboxLength));
    const entry = this.#inflight.get(token);
    if (!entry) return; // timed out or failed already; a late ack changes nothing
    this.#inflight.delete(token);
    const ack = parsePubAck(msg);
    if (ack.ok) {
      if (ack.duplicate) this.#options.metrics.duplicates.inc();
      else this.#options.metrics.published.inc();
      this.#settle(entry.call, entry.index, { ok: true, offset: ack.seq, duplicate: ack.duplicate });
    } else {
      this.#fail(entry.call, entry.index, ack.error);
    }
    this.#schedulePump();
  }

  /**
   * Refilling the window per ack costs one socket write per record (acks trickle in a few per
   * read). Refill once it is half empty, after the current read (a microtask), so nats.js writes
   * the new publishes in one go; half a window in flight keeps the server busy meanwhile.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled || this.#inflight.size > this.#refillBelow) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #fail(call: AppendCall, index: number, error: EventLogError): void {
    this.#options.metrics.publishErrors.inc();
    if (error.code === 'EVLOG_UNAVAILABLE') call.broken = true;
    this.#settle(call, index, { ok: false, error });
  }

  /** Records of a broken call that were never sent. */
  #skipRest(call: AppendCall): void {
    while (call.next < call.records.length) {
      const index = call.next++;
      this.#settle(call, index, {
        ok: false,
        error: new EventLogError(
          'EVLOG_UNAVAILABLE',
          `record ${index} not sent: an earlier record of the batch failed`,
        ),
      });
    }
  }

  #settle(call: AppendCall, index: number, result: AppendResult): void {
    call.results[index] = result;
    if (--call.remaining === 0) call.resolve(call.results);
  }

  #sweep = (): void => {
    const now = Date.now();
    // Every publish gets the same timeout and the Map keeps insertion order: the oldest are first.
    for (const [token, entry] of this.#inflight) {
      if (entry.deadline > now) break;
      this.#inflight.delete(token);
      this.#fail(
        entry.call,
        entry.index,
        new EventLogError(
          'EVLOG_UNAVAILABLE',
          `no JetStream ack within ${this.#options.publishTimeoutMs} ms (the record may be stored: retry with the same id)`,
        ),
      );
    }
    if (this.#inflight.size === 0) this.#stopSweeper();
    this.#pump();
  };

  #startSweeper(): void {
    if (this.#sweeper) return;
    const interval = Math.min(
      MAX_SWEEP_INTERVAL_MS,
      Math.max(MIN_SWEEP_INTERVAL_MS, this.#options.publishTimeoutMs / 5),
    );
    this.#sweeper = setInterval(this.#sweep, interval);
    this.#sweeper.unref();
  }

  #stopSweeper(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #settleIdle(): void {
    if (this.#inflight.size > 0 || this.#head < this.#queue.length || this.#idle.length === 0) return;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}
