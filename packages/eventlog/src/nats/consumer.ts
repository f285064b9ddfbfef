/**
 * @module A durable JetStream pull consumer behind the `LogConsumer` port. `fetch` first takes
 * what is there (`no_wait`), and only when nothing is waits for one record up to `waitMs` (a
 * single-record request ends as soon as it is served), then tops the batch up. A consumer that is
 * not `shared` hands records out only while it holds the durable's lease (consumer-lease.ts);
 * without it, it is a standby whose `fetch` returns nothing.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';
import type { FetchOptions, LogConsumer, LogRecord, Offset } from '../port/event-log.ts';
import type { ConsumerLease } from './consumer-lease.ts';
import { DeliveryOrder, type DurablePosition } from './delivery-order.ts';
import { PullRequester, type DeliveredMessage } from './pull-request.ts';
import { deliveredRecord } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

const ACK = '+ACK';
const NAK = '-NAK';
/** How often a standby tries to take the lease (at most; `waitMs` may be shorter). */
const STANDBY_POLL_MS = 1_000;

export type { DurablePosition };

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
  /** The durable's lease; absent for a shared consumer, which never waits for one. */
  lease?: ConsumerLease;
  /** Reads where the durable stands, when this process takes the lease over from another. */
  position: () => Promise<DurablePosition>;
  /** Told when this process becomes the active holder (true) or a standby (false). */
  onActiveChange?: (active: boolean) => void;
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
  /** Holds the lease and knows where the durable stands (always true for a shared consumer). */
  #active: boolean;
  #closed = false;

  constructor(name: string, durable: string, context: NatsConsumerContext) {
    this.name = name;
    this.#context = context;
    this.#active = context.lease === undefined;
    this.#order = new DeliveryOrder(context.ackWaitMs);
    this.#puller = new PullRequester(context.nc, context.stream, durable, (d) => {
      // A request sent while we held the lease, served after we lost it: the holder gets it now.
      if (context.lease && !context.lease.held) return void context.nc.publish(d.msg.reply!, NAK);
      if (!context.shared) this.#order.observe(d);
      this.#buffer.push(d);
    });
  }

  /** Where the durable stands on the server, read when it is opened (see DeliveryOrder). */
  resumeAfter(position: DurablePosition): void {
    this.#order.resumeAfter(position);
  }

  /** True while this process hands out the durable's records (false on a standby). */
  get active(): boolean {
    return this.#active;
  }

  /** Deliveries lost in transit that held this consumer (see delivery-order.ts). */
  get orderGaps(): number {
    return this.#order.gaps;
  }

  async fetch(options: FetchOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const max = Math.max(0, options.max);
    if (max === 0) return [];
    if (!(await this.#holdsLease(options))) return [];
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
    return taken.map((d) => deliveredRecord(d, this.#context.subjects));
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
        // After the naks: the standby that takes over finds them waiting.
        await this.#context.lease?.release();
      }
      this.#context.lease?.close();
      this.#handedOut = [];
      this.#buffer = [];
    } finally {
      this.#context.onClose();
    }
  }

  /**
   * True when this process may hand records out. A standby tries to take the lease and otherwise
   * waits (up to `waitMs`, at most a poll period) and reports false. A holder that lost its lease
   * (it could not renew in time) gives back what it has not handed out.
   */
  async #holdsLease(options: FetchOptions): Promise<boolean> {
    const lease = this.#context.lease;
    if (!lease) return true;
    if (!lease.held) {
      if (this.#active) this.#stepDown();
      // NATS unreachable: stay a standby; the next fetch tries again.
      const taken = await lease.tryAcquire().catch(() => false);
      this.#assertOpen();
      if (!taken) {
        const waitMs = Math.min(options.waitMs, STANDBY_POLL_MS);
        if (waitMs > 0 && !options.signal?.aborted) await abortable(sleep(waitMs), options.signal);
        return false;
      }
    }
    if (!this.#active) {
      // Another holder numbered deliveries meanwhile: expect the next after theirs.
      this.resumeAfter(await this.#context.position());
      this.#active = true;
      this.#context.onActiveChange?.(true);
    }
    return true;
  }

  #stepDown(): void {
    this.#active = false;
    this.#holding = false;
    for (const { msg } of this.#buffer) this.#context.nc.publish(msg.reply!, NAK);
    this.#buffer = [];
    this.#context.onActiveChange?.(false);
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
