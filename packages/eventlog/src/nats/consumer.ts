/**
 * @module A durable JetStream pull consumer behind the `LogConsumer` port. `fetch` first takes
 * what is there (`no_wait`), and only when nothing is waits for one record up to `waitMs` (a
 * single-record request ends as soon as it is served), then tops the batch up.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';
import type { FetchOptions, LogConsumer, LogRecord, Offset } from '../port/event-log.ts';
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
  #closed = false;

  constructor(name: string, durable: string, context: NatsConsumerContext) {
    this.name = name;
    this.#context = context;
    this.#puller = new PullRequester(context.nc, context.stream, durable, (d) => this.#buffer.push(d));
  }

  async fetch(options: FetchOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const max = Math.max(0, options.max);
    if (max === 0) return [];
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

  /** A one-record request: the server ends it as soon as a record arrives, or at `waitMs`. */
  async #waitForOne(waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    const served = this.#puller.request(1, waitMs);
    if (!signal) return served;
    // An abort returns early; the request stays open until its expiry and close() waits for it.
    await new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => resolve(), { once: true });
      void served.then(resolve);
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventLogError('EVLOG_CLOSED', `consumer "${this.name}" is closed`);
  }
}
