/**
 * @module A durable JetStream pull consumer behind the `LogConsumer` port. `fetch` first takes
 * what is there (`no_wait`), and only when nothing is waits for one record up to `waitMs` (a
 * single-record request ends as soon as it is served), then tops the batch up.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';
import type { FetchOptions, LogConsumer, LogRecord, Offset } from '../port/event-log.ts';
import { DeliveryOrder } from './delivery-order.ts';
import { PullRequester, type DeliveredMessage } from './pull-request.ts';
import { toLogRecord } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

const ACK = '+ACK';
const NAK = '-NAK';

/** What a consumer needs from its log. */
export interface NatsConsumerContext {
  nc: NatsConnection;
  stream: string;
  subjects: SubjectScheme;
  /** How long to wait for the server to confirm an ack. */
  ackTimeoutMs: number;
  /** The consumer's `ack_wait`: how long a delivery lost in transit takes to come back. */
  ackWaitMs: number;
  /** Other processes hold the same durable: gaps are their deliveries, not losses. */
  shared: boolean;
  /** Called once the consumer has released its messages. */
  onClose: () => void;
}

export class NatsLogConsumer implements LogConsumer {
  readonly name: string;
  readonly #context: NatsConsumerContext;
  readonly #puller: PullRequester;
  /** Delivered by the server, not yet returned by `fetch`. */
  #buffer: DeliveredMessage[] = [];
  /** Returned by `fetch`, not yet acknowledged, in delivery order. */
  #handedOut: DeliveredMessage[] = [];
  readonly #order: DeliveryOrder<DeliveredMessage>;
  /** A hold is on: the buffer is re-sorted before anything more is handed out. */
  #holding = false;
  #closed = false;

  constructor(name: string, durable: string, context: NatsConsumerContext) {
    this.name = name;
    this.#context = context;
    this.#order = new DeliveryOrder(context.ackWaitMs);
    this.#puller = new PullRequester(context.nc, context.stream, durable, (d) => {
      if (!context.shared) this.#order.observe(d);
      this.#buffer.push(d);
    });
  }

  /** Where the durable stands on the server, read when it is opened (see DeliveryOrder). */
  resumeAfter(consumerSeq: number, ackWaitMs: number): void {
    this.#order.resumeAfter(consumerSeq, ackWaitMs);
  }

  /** Deliveries lost in transit that held this consumer (see delivery-order.ts). */
  get orderGaps(): number {
    return this.#order.gaps;
  }

  async fetch(options: FetchOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const max = Math.max(0, options.max);
    if (max === 0) return [];
    if (!(await this.#orderedAfterHold(max, options))) return [];
    if (this.#buffer.length === 0 && !this.#puller.pending) {
      await this.#puller.request(max);
      if (this.#buffer.length === 0 && options.waitMs > 0 && !options.signal?.aborted) {
        await this.#waitForOne(options.waitMs, options.signal);
        if (this.#buffer.length > 0 && this.#buffer.length < max && !this.#puller.pending)
          await this.#puller.request(max - this.#buffer.length);
      }
    }
    this.#assertOpen();
    const taken = this.#buffer.splice(0, max);
    this.#handedOut.push(...taken);
    return taken.map((d) =>
      toLogRecord(
        {
          seq: d.seq,
          subject: d.msg.subject,
          headers: d.msg.headers,
          data: d.msg.data,
          serverTimeMs: d.serverTimeMs,
        },
        this.#context.subjects,
      ),
    );
  }

  async ack(offset: Offset): Promise<void> {
    this.#assertOpen();
    let last = -1;
    for (let i = 0; i < this.#handedOut.length && this.#handedOut[i]!.seq <= offset; i++) last = i;
    if (last < 0) return;
    const acked = this.#handedOut.splice(0, last + 1);
    const { msg, seq } = acked.pop()!;
    // AckPolicy.Explicit, one ack per record: under AckPolicy.All a delivery lost in transit (the
    // node we were connected to died) would be covered by the next ack and silently skipped;
    // explicitly it is redelivered after ack_wait. The acks travel in order on one connection, so
    // once the server confirms the last one, positions read right after include them all.
    const { nc } = this.#context;
    try {
      for (const d of acked) nc.publish(d.msg.reply!, ACK);
      await nc.request(msg.reply!, ACK, { timeout: this.#context.ackTimeoutMs });
    } catch (cause) {
      throw new EventLogError('EVLOG_UNAVAILABLE', `ack of offset ${seq} on "${this.name}" not confirmed`, {
        cause,
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // A request still open on the server would swallow the redeliveries the naks below cause.
      await this.#puller.settled();
      this.#puller.close();
      // Negative acks make JetStream redeliver at once to the next holder instead of after ack_wait.
      const { nc } = this.#context;
      if (!nc.isClosed()) {
        for (const { msg } of [...this.#handedOut, ...this.#buffer]) nc.publish(msg.reply!, NAK);
        await nc.flush().catch(() => undefined);
      }
      this.#handedOut = [];
      this.#buffer = [];
    } finally {
      this.#context.onClose();
    }
  }

  /**
   * False while a hold is on: keeps pulling, so the lost deliveries can come back, for at most
   * `waitMs`. Once the hold has ended the buffer is put back in stream order.
   */
  async #orderedAfterHold(max: number, options: FetchOptions): Promise<boolean> {
    let remaining = this.#order.holdRemainingMs();
    if (remaining > 0) {
      this.#holding = true;
      const waitMs = Math.min(remaining, options.waitMs);
      if (waitMs > 0 && !options.signal?.aborted) {
        if (this.#puller.pending) await abortable(sleep(waitMs), options.signal);
        else await abortable(this.#puller.request(max, waitMs), options.signal);
      }
      this.#assertOpen();
      remaining = this.#order.holdRemainingMs();
      if (remaining > 0) return false;
    }
    if (this.#holding) {
      this.#holding = false;
      this.#buffer = this.#order.release(this.#buffer);
    }
    return true;
  }

  /** A one-record request: the server ends it as soon as a record arrives, or at `waitMs`. */
  async #waitForOne(waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    // An abort returns early; the request stays open until its expiry and close() waits for it.
    await abortable(this.#puller.request(1, waitMs), signal);
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventLogError('EVLOG_CLOSED', `consumer "${this.name}" is closed`);
  }
}

/** Resolves when `work` does or `signal` aborts, whichever is first. */
function abortable(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  return new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    void work.then(resolve);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
