/**
 * @module The hub: channels, their subscribers and bounded histories. `publish` encodes an event
 * once and hands the same message to every subscriber; transports pick the frame they need.
 * Single-threaded by design: subscribe-with-resume and publish never interleave, so a resuming
 * client gets every message exactly once (replay, then live).
 */
import { uuidv7 } from '@tickline/kernel';
import { assertChannelName } from '../channels/channel-name.ts';
import { channelMatcher } from '../channels/channel-pattern.ts';
import { RealtimeError } from '../errors.ts';
import { ChannelHistory } from './channel-history.ts';
import { HubMessage, type HubEvent } from './hub-message.ts';
import { resolveHubOptions, type HubOptions, type ResolvedHubOptions } from './hub-options.ts';
import { planResume, type ResumePlan } from './resume.ts';

/** Receives the messages of the channels it subscribed to. Must not throw. */
export interface Subscriber {
  deliver(message: HubMessage): void;
}

/** Options for {@link Hub.publish}. */
export interface PublishOptions {
  /** Tell {@link Hub.onPublish} listeners (the event-log bridge). False for relayed events. @default true */
  relay?: boolean;
}

/** The outcome of {@link Hub.publish}. */
export interface PublishResult {
  /** Subscribers the message was handed to. */
  delivered: number;
  /** The channel already held this event id: nothing was delivered. */
  duplicate: boolean;
}

/** Counters since the hub was created. */
export interface HubStats {
  channels: number;
  subscriptions: number;
  published: number;
  duplicates: number;
  /** History slots allocated over all channels: grows with what is published, not subscribed. */
  historySlots: number;
}

export type PublishListener = (channel: string, event: HubEvent) => void;

interface ChannelState {
  name: string;
  subscribers: Set<Subscriber>;
  history: ChannelHistory;
  coalesce: boolean;
}

const EVENT_ID_RE = /^[A-Za-z0-9_.:@+=~-]{1,128}$/;
const EVENT_TYPE_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Creates a hub. @example const hub = createHub({ history: { maxEvents: 500 } }); */
export function createHub(options: HubOptions = {}): Hub {
  return new Hub(options);
}

export class Hub {
  readonly #options: ResolvedHubOptions;
  readonly #channels = new Map<string, ChannelState>();
  readonly #listeners = new Set<PublishListener>();
  readonly #coalesce: (channel: string) => boolean;
  readonly #sweep: NodeJS.Timeout | undefined;
  #seq = 0;
  #subscriptions = 0;
  #published = 0;
  #duplicates = 0;
  /** Channels created later may have missed anything up to here (hub start, dropped channels). */
  #floorForNewChannels: string;

  constructor(options: HubOptions = {}) {
    this.#options = resolveHubOptions(options);
    this.#coalesce = channelMatcher(this.#options.coalesce);
    this.#floorForNewChannels = uuidv7(this.#options.clock.now());
    if (this.#options.historySweepIntervalMs > 0) {
      this.#sweep = setInterval(() => this.sweep(), this.#options.historySweepIntervalMs);
      this.#sweep.unref();
    }
  }

  /**
   * Publishes `event` on `channel`: stored in the channel's history and handed to its subscribers.
   * An id the channel already holds is ignored (redelivery, or a node's own event coming back).
   * @throws RealtimeError RT_INVALID_CHANNEL / RT_INVALID_EVENT
   */
  publish(channel: string, event: HubEvent, options?: PublishOptions): PublishResult {
    const state = this.#channels.get(channel) ?? this.#createChannel(channel);
    if (!EVENT_ID_RE.test(event.id) || !EVENT_TYPE_RE.test(event.type)) throw invalidEvent(event);
    if (state.history.has(event.id)) {
      this.#duplicates++;
      return { delivered: 0, duplicate: true };
    }
    const now = this.#options.clock.now();
    const message = new HubMessage(
      ++this.#seq,
      channel,
      event,
      JSON.stringify(event.data) ?? 'null',
      now,
      state.coalesce,
    );
    state.history.expire(now);
    state.history.push(message);
    this.#published++;
    let delivered = 0;
    for (const subscriber of state.subscribers) {
      try {
        subscriber.deliver(message);
        delivered++;
      } catch (error) {
        this.#options.logger.error({ err: error, channel }, 'subscriber failed to take a message');
      }
    }
    if (options?.relay !== false) for (const listener of this.#listeners) listener(channel, event);
    return { delivered, duplicate: false };
  }

  /**
   * Starts `channel` from what the log holds for it (a gateway whose interest in the channel
   * begins, or comes back after an outage). A channel the hub does not hold yet is created with
   * `floorId` — before it, the log's history may miss events — instead of the hub's own floor;
   * then each event is published, oldest first, skipping ids already held. Nothing is relayed.
   */
  seed(channel: string, events: readonly HubEvent[], floorId: string): void {
    if (!this.#channels.has(channel)) this.#createChannel(channel).history.floorId = floorId;
    for (const event of events) this.publish(channel, event, { relay: false });
  }

  /**
   * Drops `channel`'s history once nobody subscribes to it (this gateway's interest in it ended,
   * so later events will not reach it); a later {@link seed} starts it again from the log.
   * Returns false (and keeps it) while it has subscribers.
   */
  forget(channel: string): boolean {
    const state = this.#channels.get(channel);
    if (!state) return true;
    if (state.subscribers.size > 0) return false;
    // Whatever is published from now on will not be here: nothing up to now can be vouched for.
    const now = uuidv7(this.#options.clock.now());
    if (now > state.history.floorId) state.history.floorId = now;
    this.#dropChannel(state);
    return true;
  }

  /**
   * Subscribes to `channels` and plans the resume from `lastEventId` in one step, so no message
   * published in between is missed or sent twice. The caller sends the plan's replay first.
   */
  subscribe(channels: readonly string[], subscriber: Subscriber, lastEventId?: string): ResumePlan {
    const now = this.#options.clock.now();
    const states = channels.map((name) => this.#channels.get(name) ?? this.#createChannel(name));
    for (const state of states) {
      state.history.expire(now);
      if (!state.subscribers.has(subscriber)) {
        state.subscribers.add(subscriber);
        this.#subscriptions++;
      }
    }
    return planResume(
      states.map((s) => ({ name: s.name, history: s.history })),
      lastEventId,
      () => uuidv7(now),
    );
  }

  unsubscribe(channels: Iterable<string>, subscriber: Subscriber): void {
    for (const name of channels) {
      const state = this.#channels.get(name);
      if (state?.subscribers.delete(subscriber)) {
        this.#subscriptions--;
        if (state.subscribers.size === 0 && state.history.size === 0) this.#dropChannel(state);
      }
    }
  }

  /** The hub's own string for a channel name (so connections can share it), or `channel` itself. */
  canonicalName(channel: string): string {
    return this.#channels.get(channel)?.name ?? channel;
  }

  /** Subscribers of `channel`, or of every channel when omitted. */
  subscriberCount(channel?: string): number {
    if (channel === undefined) return this.#subscriptions;
    return this.#channels.get(channel)?.subscribers.size ?? 0;
  }

  /** Calls `listener` after each publish with `relay` not false. Returns a function that removes it. */
  onPublish(listener: PublishListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Expires old history and drops channels with neither history nor subscribers. */
  sweep(): void {
    const now = this.#options.clock.now();
    for (const state of this.#channels.values()) {
      state.history.expire(now);
      if (state.subscribers.size === 0 && state.history.size === 0) this.#dropChannel(state);
    }
  }

  stats(): HubStats {
    return {
      channels: this.#channels.size,
      subscriptions: this.#subscriptions,
      published: this.#published,
      duplicates: this.#duplicates,
      historySlots: [...this.#channels.values()].reduce((sum, s) => sum + s.history.allocatedSlots, 0),
    };
  }

  /** Stops the sweep timer. Subscribers are the transports' to close. */
  close(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#listeners.clear();
  }

  #createChannel(requested: string): ChannelState {
    assertChannelName(requested);
    // A copy: a name parsed out of a request URL is a slice of it, and would keep the whole URL
    // (ticket and all) alive for as long as the channel lives.
    const name = Buffer.from(requested, 'utf8').toString('utf8');
    const state: ChannelState = {
      name,
      subscribers: new Set(),
      history: new ChannelHistory(
        this.#options.historyMaxEvents,
        this.#options.historyMaxAgeMs,
        this.#floorForNewChannels,
      ),
      coalesce: this.#coalesce(name),
    };
    this.#channels.set(name, state);
    return state;
  }

  #dropChannel(state: ChannelState): void {
    this.#channels.delete(state.name);
    // A channel re-created later cannot know what this one dropped: carry its floor over.
    if (state.history.floorId > this.#floorForNewChannels) this.#floorForNewChannels = state.history.floorId;
  }
}

function invalidEvent(event: HubEvent): RealtimeError {
  const field = EVENT_ID_RE.test(String(event.id)) ? 'type' : 'id';
  return new RealtimeError('RT_INVALID_EVENT', `event ${field} is missing or holds unsafe characters`, {
    details: { field, value: String(event[field]).slice(0, 64) },
  });
}
