/**
 * @module One GraphQL subscription as a hub subscriber that writes its own graphql-ws frames:
 * resume from an event id (the replay first, a `stream.reset` item when the history cannot fill
 * the gap), each event's payload from the subscription's {@link SharedExecution} (executed once
 * per event for all its subscribers) framed around this subscription's id and written straight to
 * the socket — the same frame Buffer for every subscriber of the share that chose the same id, as
 * the WebSocket API writes its shared frames, and past a size the shared payload Buffer itself
 * behind a lone id's own header ({@link FramePrefix.writeFrame}). The socket's buffer is the bounded queue, under the
 * WebSocket API's slow-consumer policy: past `maxBufferedBytes` the subscription is congested
 * until `drain`; a market channel then keeps only its newest event waiting, any other channel
 * ends the connection with RT_SLOW_CONSUMER — never a silent drop. To graphql-js and
 * ws-operations.ts it is an iterator that yields nothing and finishes when the subscription ends.
 */
import {
  wsTextFrameLength,
  type HubMessage,
  type Hub,
  type ResumePlan,
  type Subscriber,
} from '@tickline/realtime';
import type { FramePrefix, FrameSink } from './frame-prefix.ts';
import type { FrameBody, SharedExecution } from './shared-execution.ts';

/** What the subscription's resolver receives per event. */
export interface StreamItem {
  eventId: string;
  type: string;
  data: unknown;
}

/** The type of the item sent first when a resume could not be filled from history. */
export const STREAM_RESET = 'stream.reset';

/** The transport totals the gateway reports (`transport="graphql"`). */
export interface StreamCounters {
  messages: number;
  bytes: number;
  slowConsumerDisconnects: number;
  coalesced: number;
}

export interface HubStreamOptions {
  hub: Hub;
  channel: string;
  /** Events of the channel this subscription wants (a user channel carries several kinds). */
  filter?: ((message: HubMessage) => boolean) | undefined;
  /** The connection's socket backlog at which the subscription is congested. */
  maxBufferedBytes: number;
  /** The connection's socket: frames are written to it directly. */
  sink: FrameSink;
  /** The frame up to its id: `{"type":"next","id":"…"`. */
  framePrefix: Buffer;
  /** Where the payload of each event comes from. */
  share: SharedExecution;
  /** Ends the whole connection with RT_SLOW_CONSUMER. */
  onSlowConsumer: () => void;
  counters: StreamCounters;
  /** Called once when the subscription ends (either side). */
  onEnd: (stream: HubStream) => void;
}

type Source = HubMessage | StreamItem;

/**
 * Hears once when a subscription ends: `failure` is the error that ended it, undefined when it
 * ended cleanly. What ws-operations.ts waits on instead of a pending `next()` (a promise, its
 * resolving functions and two reaction closures per subscription, ~0.4 KB).
 */
export interface StreamWatcher {
  ended(failure: unknown): void;
}

const itemOf = (source: object): StreamItem => {
  const queued = source as Source;
  return 'eventId' in queued ? queued : { eventId: queued.id, type: queued.type, data: queued.data };
};

export class HubStream implements Subscriber, AsyncIterableIterator<StreamItem> {
  readonly #options: Omit<HubStreamOptions, 'framePrefix'>;
  /** This subscription's frame prefix, shared with the share's subscribers that chose the same id. */
  readonly #prefix: FramePrefix;
  #congested = false;
  /** The newest market event held back while congested. */
  #pending: HubMessage | undefined;
  /** Frames whose payload a resolver is still computing, written in order once it settles. */
  #chain: Promise<void> | undefined;
  #inFlight = 0;
  /** The protocol's wait on the iterator: settled when the subscription ends. */
  #finished:
    { resolve: (result: IteratorResult<StreamItem>) => void; reject: (error: unknown) => void } | undefined;
  #watcher: StreamWatcher | undefined;
  #failure: unknown;
  #ended = false;

  constructor({ framePrefix, ...options }: HubStreamOptions) {
    // Not kept: the share's framing holds the prefix, one per id for all its subscribers.
    this.#options = options;
    this.#prefix = options.share.framing(framePrefix);
  }

  /** Subscribes (with resume from `after`) and sends the replay. */
  start(after: string | undefined): ResumePlan {
    const plan = this.#options.hub.subscribe([this.#options.channel], this, after);
    if (plan.resetChannels.length > 0) this.#send({ eventId: plan.position, type: STREAM_RESET, data: null });
    for (const message of plan.replay) this.deliver(message);
    return plan;
  }

  deliver(message: HubMessage): void {
    if (this.#ended || (this.#options.filter && !this.#options.filter(message))) return;
    if (!this.#congested) return this.#send(message);
    if (message.coalesce) {
      if (this.#pending !== undefined) this.#options.counters.coalesced++;
      this.#pending = message;
      return;
    }
    this.#options.counters.slowConsumerDisconnects++;
    this.#options.onSlowConsumer();
  }

  /**
   * Settles when the subscription ends (every event went out as a frame, not through here);
   * rejects when a payload could not be produced, so graphql-ws sends the subscription's `error`.
   */
  next(): Promise<IteratorResult<StreamItem>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.#finished = { resolve, reject }));
  }

  /**
   * Calls `watcher.ended` once, on a later microtask, when the subscription ends (at once if it
   * has): the same news as {@link next} settling, without a pending promise.
   */
  watch(watcher: StreamWatcher): void {
    if (this.#ended) queueMicrotask(() => watcher.ended(this.#failure));
    else this.#watcher = watcher;
  }

  return(): Promise<IteratorResult<StreamItem>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Unsubscribes and finishes the iterator (the client stopped, or the connection ended). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#options.hub.unsubscribe([this.#options.channel], this);
    this.#prefix.release();
    this.#options.share.release();
    this.#pending = undefined;
    const finished = this.#finished;
    this.#finished = undefined;
    if (this.#failure !== undefined) finished?.reject(this.#failure);
    else finished?.resolve({ value: undefined, done: true });
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (watcher !== undefined) queueMicrotask(() => watcher.ended(this.#failure));
    this.#options.onEnd(this);
  }

  /** Ends this subscription with `error` (a payload that could not be encoded). */
  #fail(error: unknown): void {
    this.#failure ??= error ?? new Error('subscription payload failed');
    this.end();
  }

  #send(source: Source): void {
    let body: FrameBody | Promise<FrameBody>;
    try {
      body = this.#options.share.bodyOf(source, itemOf);
    } catch (error) {
      return this.#fail(error);
    }
    if (this.#chain === undefined && body instanceof Buffer) return this.#write(body);
    // An asynchronous resolver: this frame, and any after it, wait their turn.
    this.#inFlight++;
    this.#chain = (this.#chain ?? Promise.resolve())
      .then(() => body)
      .then(
        (settled) => this.#write(settled),
        (error: unknown) => this.#fail(error),
      )
      .finally(() => {
        if (--this.#inFlight === 0) this.#chain = undefined;
      });
  }

  #write(body: FrameBody): void {
    if (this.#ended) return;
    const { sink, counters, maxBufferedBytes } = this.#options;
    counters.messages++;
    counters.bytes += wsTextFrameLength(this.#prefix.bytes.length + body.length);
    if (!this.#prefix.writeFrame(sink, body) && !this.#congested && sink.writableLength >= maxBufferedBytes) {
      this.#congested = true;
      sink.once('drain', () => this.#drained());
    }
  }

  #drained(): void {
    this.#congested = false;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) this.deliver(pending);
  }
}
