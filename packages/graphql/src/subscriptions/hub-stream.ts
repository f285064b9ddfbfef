/**
 * @module One GraphQL subscription as a hub subscriber and the async iterator graphql-js pulls:
 * resume from an event id (the replay first, a `stream.reset` item when the history cannot fill
 * the gap), and the WebSocket API's slow-consumer policy. Mercurius sends one event at a time and
 * waits for the socket, so the backlog is this queue plus the socket's buffer; past
 * `maxBufferedBytes` a market channel keeps only its newest event, any other channel ends the
 * connection with RT_SLOW_CONSUMER — never a silent drop.
 */
import type { HubMessage, Hub, ResumePlan, Subscriber } from '@tickline/realtime';

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
  /** Backlog (queued here plus `socketBacklog()`) at which the subscription is congested. */
  maxBufferedBytes: number;
  /** Bytes the connection's socket still holds. */
  socketBacklog: () => number;
  /** Ends the whole connection with RT_SLOW_CONSUMER. */
  onSlowConsumer: () => void;
  counters: StreamCounters;
  /** Called once when the subscription ends (either side). */
  onEnd: (stream: HubStream) => void;
}

type Queued = HubMessage | StreamItem;

const itemOf = (queued: Queued): StreamItem =>
  'eventId' in queued ? queued : { eventId: queued.id, type: queued.type, data: queued.data };
const sizeOf = (queued: Queued): number => ('size' in queued ? queued.size : 64);

export class HubStream implements Subscriber, AsyncIterableIterator<StreamItem> {
  readonly #options: HubStreamOptions;
  readonly #queue: Queued[] = [];
  #queuedBytes = 0;
  #waiting: ((result: IteratorResult<StreamItem>) => void) | undefined;
  #ended = false;

  constructor(options: HubStreamOptions) {
    this.#options = options;
  }

  /** Subscribes (with resume from `after`) and queues the replay. */
  start(after: string | undefined): ResumePlan {
    const plan = this.#options.hub.subscribe([this.#options.channel], this, after);
    if (plan.resetChannels.length > 0) this.#push({ eventId: plan.position, type: STREAM_RESET, data: null });
    for (const message of plan.replay) this.deliver(message);
    return plan;
  }

  deliver(message: HubMessage): void {
    if (this.#ended || (this.#options.filter && !this.#options.filter(message))) return;
    if (this.#waiting === undefined && this.#congested()) {
      if (message.coalesce) return this.#coalesce(message);
      this.#options.counters.slowConsumerDisconnects++;
      this.#options.onSlowConsumer();
      return;
    }
    this.#push(message);
  }

  next(): Promise<IteratorResult<StreamItem>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      this.#queuedBytes -= sizeOf(queued);
      return Promise.resolve({ value: this.#sent(queued), done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
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
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
    this.#options.onEnd(this);
  }

  #push(queued: Queued): void {
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ value: this.#sent(queued), done: false });
      return;
    }
    this.#queue.push(queued);
    this.#queuedBytes += sizeOf(queued);
  }

  #sent(queued: Queued): StreamItem {
    this.#options.counters.messages++;
    this.#options.counters.bytes += sizeOf(queued);
    return itemOf(queued);
  }

  #congested(): boolean {
    return this.#queuedBytes + this.#options.socketBacklog() >= this.#options.maxBufferedBytes;
  }

  /** A congested market subscription keeps only its newest event waiting. */
  #coalesce(message: HubMessage): void {
    const last = this.#queue.length - 1;
    const previous = this.#queue[last];
    if (previous !== undefined && !('eventId' in previous)) {
      this.#queuedBytes += message.size - previous.size;
      this.#queue[last] = message;
      this.#options.counters.coalesced++;
    } else this.#push(message);
  }
}
