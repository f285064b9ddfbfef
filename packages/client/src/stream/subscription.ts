/**
 * @module A resumable subscription: connects through a {@link Transport} with a fresh stream ticket
 * each time, reconnects with backoff, resumes from the last event id it saw, drops duplicates, and
 * reports its status. Transport-independent, so SSE and WebSocket behave the same.
 */
import { TicklineApiError, isRetryableError, isTicklineApiError } from '../errors.ts';
import type { StreamEvent, StreamReset } from '@tickline/protocol';
import { backoffDelayMs, type ResolvedReconnectOptions } from './backoff.ts';
import { RecentIds } from './recent-ids.ts';
import type { EndedInfo, OpenedInfo, Transport, TransportConnection } from './transport.ts';

export const StreamStatus = {
  /** First connection attempt in progress. */
  Connecting: 'connecting',
  /** Subscribed: events flow. */
  Open: 'open',
  /** The connection dropped; waiting `delayMs`, then connecting again (resuming). */
  Reconnecting: 'reconnecting',
  /** Closed by the app, or given up (`error` says why). Final. */
  Closed: 'closed',
} as const;
export type StreamStatus = (typeof StreamStatus)[keyof typeof StreamStatus];

export interface StatusChange {
  status: StreamStatus;
  /** Reconnect attempts since the last open connection. */
  attempt: number;
  /** Why the connection ended or the subscription gave up. */
  error?: TicklineApiError;
  /** With `reconnecting`: the wait before the next attempt. */
  delayMs?: number;
}

/** Callbacks of a subscription. */
export interface SubscriptionHandlers<D = unknown> {
  onEvent(event: StreamEvent<D>): void;
  onStatus?(change: StatusChange): void;
  /** The server could not replay a gap: reload these channels' state (then events continue). */
  onReset?(reset: StreamReset): void;
}

export interface SubscriptionInit<D> extends SubscriptionHandlers<D> {
  channels: readonly string[];
  transport: Transport;
  getTicket(): Promise<string>;
  reconnect: ResolvedReconnectOptions;
  lastEventId: string | undefined;
  /** Only these types reach `onEvent`; empty = all. */
  types: readonly string[];
  dedupeWindow: number;
  random?: () => number;
  /** Told when the subscription closes for good (the client forgets it). */
  onFinalClose?: () => void;
}

/** A live subscription. */
export interface Subscription {
  readonly channels: readonly string[];
  readonly status: StreamStatus;
  /** The position a reconnect resumes from. */
  readonly lastEventId: string | undefined;
  /** Delivers these event types too (adds SSE listeners on the open connection). */
  addTypes(types: readonly string[]): void;
  /** Unsubscribes and closes the connection. */
  close(): void;
}

export class ResumableSubscription<D = unknown> implements Subscription {
  readonly channels: readonly string[];
  readonly #init: SubscriptionInit<D>;
  readonly #types: Set<string>;
  readonly #seen: RecentIds;
  #status: StreamStatus = StreamStatus.Connecting;
  #lastEventId: string | undefined;
  #attempt = 0;
  #connection: TransportConnection | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Identifies the current attempt, so callbacks of an abandoned connection are ignored. */
  #epoch = 0;

  constructor(init: SubscriptionInit<D>) {
    this.#init = init;
    this.channels = [...init.channels];
    this.#types = new Set(init.types);
    this.#seen = new RecentIds(init.dedupeWindow);
    this.#lastEventId = init.lastEventId;
  }

  get status(): StreamStatus {
    return this.#status;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  /** Starts the first connection. */
  start(): this {
    this.#setStatus({ status: StreamStatus.Connecting, attempt: 0 });
    void this.#connect();
    return this;
  }

  addTypes(types: readonly string[]): void {
    const added = types.filter((t) => !this.#types.has(t));
    if (added.length === 0) return;
    for (const type of added) this.#types.add(type);
    this.#connection?.listen(added);
  }

  close(): void {
    this.#finish();
  }

  /** Closes with a reason the app sees in the final status (e.g. the session ended). */
  fail(error: TicklineApiError): void {
    this.#finish(error);
  }

  async #connect(): Promise<void> {
    const epoch = ++this.#epoch;
    let ticket: string;
    try {
      ticket = await this.#init.getTicket();
    } catch (error) {
      if (epoch !== this.#epoch || this.#status === StreamStatus.Closed) return;
      const apiError = asApiError(error);
      if (isRetryableError(apiError)) this.#retry(apiError);
      else this.#finish(apiError);
      return;
    }
    if (epoch !== this.#epoch || this.#status === StreamStatus.Closed) return;
    const current = () => epoch === this.#epoch && this.#status !== StreamStatus.Closed;
    this.#connection = this.#init.transport(
      { ticket, channels: this.channels, lastEventId: this.#lastEventId, types: this.#types },
      {
        opened: (info) => current() && this.#opened(info),
        event: (event) => current() && this.#event(event as StreamEvent<D>),
        reset: (reset) => current() && this.#init.onReset?.(reset),
        ended: (info) => current() && this.#ended(info),
      },
    );
  }

  #opened(info: OpenedInfo): void {
    this.#attempt = 0;
    // Resuming, the position is our own id; fresh, it is the newest the server holds for us.
    this.#lastEventId ??= info.position;
    this.#setStatus({ status: StreamStatus.Open, attempt: 0 });
  }

  #event(event: StreamEvent<D>): void {
    if (!this.#seen.add(event.id)) return;
    this.#lastEventId = event.id;
    if (this.#types.size > 0 && !this.#types.has(event.type)) return;
    this.#init.onEvent(event);
  }

  #ended(info: EndedInfo): void {
    this.#connection = undefined;
    if (info.retry) this.#retry(info.error);
    else this.#finish(info.error);
  }

  #retry(error: TicklineApiError | undefined): void {
    this.#epoch++;
    this.#attempt++;
    if (this.#attempt > this.#init.reconnect.maxAttempts) {
      this.#finish(error);
      return;
    }
    const delayMs = backoffDelayMs(this.#attempt, this.#init.reconnect, this.#init.random);
    this.#setStatus({
      status: StreamStatus.Reconnecting,
      attempt: this.#attempt,
      delayMs,
      ...(error ? { error } : {}),
    });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delayMs);
  }

  #finish(error?: TicklineApiError): void {
    if (this.#status === StreamStatus.Closed) return;
    this.#epoch++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this.#setStatus({ status: StreamStatus.Closed, attempt: this.#attempt, ...(error ? { error } : {}) });
    this.#init.onFinalClose?.();
  }

  #setStatus(change: StatusChange): void {
    this.#status = change.status;
    this.#init.onStatus?.(change);
  }
}

function asApiError(error: unknown): TicklineApiError {
  if (isTicklineApiError(error)) return error;
  return new TicklineApiError('CLIENT_NETWORK_ERROR', 'the stream ticket could not be fetched', {
    cause: error,
  });
}
