/**
 * @module What SSE and WebSocket connections share: subscriptions, and the slow-consumer policy.
 *
 * Each connection writes straight to its socket; the socket's user-space buffer is the bounded
 * queue. Once it holds `maxBufferedBytes` the connection is congested until `drain`: a message
 * on a coalescing channel (market data) replaces any older one waiting for the same channel;
 * any other message ends the connection with RT_SLOW_CONSUMER and a reason, never a silent drop.
 */
import type { HubMessage } from '../hub/hub-message.ts';
import type { Subscriber } from '../hub/hub.ts';
import type { ResumePlan } from '../hub/resume.ts';
import type { RealtimeErrorCode } from '../errors.ts';
import { SmallSet } from './small-set.ts';
import type { Transport, TransportCounters } from './counters.ts';

/** Where a connection's bytes go: a `net.Socket`, or a `ServerResponse` under HTTP/2. */
export interface ByteSink {
  write(chunk: Buffer): boolean;
  readonly writableLength: number;
  once(event: 'drain', listener: () => void): unknown;
}

/** What a connection needs from the gateway that owns it. */
export interface ConnectionHost {
  unsubscribe(connection: Connection): void;
  release(connection: Connection): void;
  countResume(plan: ResumePlan): void;
}

/** Why a connection ends: an error code sent to the client, or a plain close. */
export type CloseReason = RealtimeErrorCode | 'normal';

let nextConnectionId = 1;

export abstract class Connection<P = unknown> implements Subscriber {
  abstract readonly transport: Transport;
  readonly id = nextConnectionId++;
  readonly principal: P;
  /** Channels this connection is subscribed to. */
  readonly channels = new SmallSet<string>();
  /** Clock time after which the connection is closed with RT_SESSION_EXPIRED. */
  readonly expiresAt: number;
  protected readonly host: ConnectionHost;
  protected readonly counters: TransportCounters;
  readonly #sink: ByteSink;
  readonly #maxBufferedBytes: number;
  readonly #receives: ((message: HubMessage) => boolean) | undefined;
  #congested = false;
  #pending: Map<string, HubMessage> | undefined;
  #closed = false;

  constructor(init: {
    principal: P;
    sink: ByteSink;
    host: ConnectionHost;
    counters: TransportCounters;
    maxBufferedBytes: number;
    expiresAt: number;
    /**
     * The events of its channels this principal may receive (an API key's scopes on `user:{id}`);
     * the others are skipped, live and on resume. @default all
     */
    receives?: ((message: HubMessage) => boolean) | undefined;
  }) {
    this.principal = init.principal;
    this.#sink = init.sink;
    this.host = init.host;
    this.counters = init.counters;
    this.#maxBufferedBytes = init.maxBufferedBytes;
    this.expiresAt = init.expiresAt;
    this.#receives = init.receives;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get congested(): boolean {
    return this.#congested;
  }

  /** The transport's frame for a hub message. */
  protected abstract frameOf(message: HubMessage): Buffer;

  /** Sends the reason (when the transport can) and ends the transport. */
  protected abstract end(reason: CloseReason, message: string): void;

  deliver(message: HubMessage): void {
    if (this.#closed || (this.#receives !== undefined && !this.#receives(message))) return;
    if (!this.#congested) {
      this.counters.messages++;
      this.write(this.frameOf(message));
    } else if (message.coalesce) {
      this.#pending ??= new Map();
      if (this.#pending.has(message.channel)) this.counters.coalesced++;
      this.#pending.set(message.channel, message);
    } else {
      this.counters.slowConsumerDisconnects++;
      this.close('RT_SLOW_CONSUMER', 'the client did not read fast enough; reconnect with the last event id');
    }
  }

  /** Sends the control frame, then the replay of a subscribe-with-resume. */
  protected sendReplay(plan: ResumePlan): void {
    this.host.countResume(plan);
    for (const message of plan.replay) this.deliver(message);
  }

  /** Writes bytes (event or control frame) and watches the buffer bound. */
  protected write(bytes: Buffer): void {
    this.counters.bytes += bytes.length;
    if (!this.#sink.write(bytes) && !this.#congested && this.#sink.writableLength >= this.#maxBufferedBytes) {
      this.#congested = true;
      this.#sink.once('drain', () => this.#drained());
    }
  }

  /** Ends the connection: unsubscribes and releases at once, then lets the transport close. */
  close(reason: CloseReason, message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    this.host.unsubscribe(this);
    this.host.release(this);
    this.end(reason, message);
  }

  /** Called by the transport when the peer went away. */
  protected peerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = undefined;
    this.host.unsubscribe(this);
    this.host.release(this);
  }

  #drained(): void {
    this.#congested = false;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined || this.#closed) return;
    for (const message of pending.values()) this.deliver(message);
  }
}
