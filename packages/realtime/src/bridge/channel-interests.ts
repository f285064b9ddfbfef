/**
 * @module The channels a gateway takes from the delivery log: only those its own clients want.
 * Interest in a channel starts with its first local subscriber (the gateway awaits `ensure`
 * before subscribing the client) and ends a grace period after its last one left.
 *
 * Starting, without a gap: watch the channel's key first (new records are buffered), then read
 * the key's history for the hub's resume window, seed the hub with it (an explicit floor: before
 * it the log may have dropped events), then hand the buffer over (ids already seeded are dropped
 * by the hub) and go live. So a client that resumes here with an id it got from another gateway
 * finds that id in this hub's history and gets exactly what followed. After the log's connection
 * comes back, every live channel is read again the same way: the watch missed the outage.
 */
import { silentLogger, type Logger } from '@tickline/kernel';
import type { InterestLog, KeyWatch, LogRecord } from '@tickline/eventlog';
import { channelKey } from '../channels/channel-key.ts';
import { floorIdAt } from '../hub/channel-history.ts';
import type { Hub } from '../hub/hub.ts';
import { decodeBridgeRecord, type BridgeMessage } from './bridge-record.ts';

/** How long a channel stays taken from the log after its last local subscriber left. */
export const DEFAULT_INTEREST_GRACE_MS = 30_000;

/** What the interests count (the bridge's stats). */
export interface InterestCounters {
  /** Messages the log sent for channels of interest: live, and read from history. */
  received: number;
  historyReceived: number;
  relayed: number;
  duplicates: number;
  ownSkipped: number;
  undecodable: number;
  starts: number;
  drops: number;
  failures: number;
}

export interface ChannelInterestsOptions {
  log: InterestLog;
  hub: Hub;
  nodeId: string;
  historyMaxEvents: number;
  historyMaxAgeMs: number;
  graceMs: number;
  now: () => number;
  counters: InterestCounters;
  logger?: Logger;
}

type State = 'starting' | 'live' | 'failed';

interface Interest {
  readonly channel: string;
  readonly key: string;
  state: State;
  ready: Promise<void>;
  watch: KeyWatch | undefined;
  /** Live records that arrived while the history was being read; undefined once live. */
  buffer: LogRecord[] | undefined;
  /** Last time a local subscriber (or an `ensure`) wanted it. */
  wantedAt: number;
}

export class ChannelInterests {
  readonly #o: ChannelInterestsOptions;
  readonly #logger: Logger;
  readonly #interests = new Map<string, Interest>();
  #closed = false;

  constructor(options: ChannelInterestsOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Channels currently taken from the log (starting or live). */
  get size(): number {
    return this.#interests.size;
  }

  /** Resolves once each channel is live here (or its start failed: logged, retried by `sweep`). */
  async ensure(channels: readonly string[]): Promise<void> {
    const now = this.#o.now();
    const waits: Promise<void>[] = [];
    for (const channel of channels) {
      let interest = this.#interests.get(channel);
      if (!interest) {
        interest = {
          channel,
          key: channelKey(channel),
          state: 'starting',
          ready: Promise.resolve(),
          watch: undefined,
          buffer: [],
          wantedAt: now,
        };
        this.#interests.set(channel, interest);
        interest.ready = this.#start(interest);
      } else if (interest.state === 'failed') {
        interest.ready = this.#start(interest);
      }
      interest.wantedAt = now;
      waits.push(interest.ready);
    }
    await Promise.all(waits);
  }

  /** Ends interests nobody wanted for the grace period; restarts failed ones still wanted. */
  sweep(): void {
    const now = this.#o.now();
    for (const interest of this.#interests.values()) {
      if (this.#o.hub.subscriberCount(interest.channel) > 0) {
        interest.wantedAt = now;
        if (interest.state === 'failed') interest.ready = this.#start(interest);
      } else if (interest.state !== 'starting' && now - interest.wantedAt > this.#o.graceMs) {
        this.#drop(interest);
      }
    }
  }

  /** The log's connection came back: read every live channel's history again. */
  resync(): void {
    for (const interest of this.#interests.values()) {
      if (interest.state !== 'live') continue;
      interest.state = 'starting';
      interest.buffer = [];
      interest.ready = this.#seedFromHistory(interest).catch((error: unknown) => this.#fail(interest, error));
    }
  }

  close(): void {
    this.#closed = true;
    for (const interest of this.#interests.values()) interest.watch?.close();
    this.#interests.clear();
  }

  async #start(interest: Interest): Promise<void> {
    interest.state = 'starting';
    interest.buffer = [];
    this.#o.counters.starts++;
    try {
      interest.watch ??= await this.#o.log.watchKey(interest.key, (record) => this.#onLive(interest, record));
      await this.#seedFromHistory(interest);
    } catch (error) {
      this.#fail(interest, error);
    }
  }

  async #seedFromHistory(interest: Interest): Promise<void> {
    const { historyMaxAgeMs, historyMaxEvents, hub, counters } = this.#o;
    const sinceMs = this.#o.now() - historyMaxAgeMs;
    const history = await this.#o.log.keyHistory(interest.key, { sinceMs, limit: historyMaxEvents });
    if (this.#closed || this.#interests.get(interest.channel) !== interest) return;
    counters.historyReceived += history.records.length;
    const messages = history.records.flatMap((record) => this.#decode(interest, record) ?? []);
    // Truncated: the log held more than the hub keeps; the oldest one kept is where gaps may start.
    const floor = history.truncated && messages[0] ? messages[0].event.id : floorIdAt(sinceMs);
    hub.seed(
      interest.channel,
      messages.map((m) => m.event),
      floor,
    );
    const buffered = interest.buffer ?? [];
    interest.buffer = undefined;
    interest.state = 'live';
    for (const record of buffered) this.#deliver(interest, record);
  }

  #onLive(interest: Interest, record: LogRecord): void {
    this.#o.counters.received++;
    if (interest.buffer) interest.buffer.push(record);
    else this.#deliver(interest, record);
  }

  #deliver(interest: Interest, record: LogRecord): void {
    const message = this.#decode(interest, record);
    if (!message) return;
    const { counters, hub } = this.#o;
    // This gateway published it: its hub has it already.
    if (message.origin === this.#o.nodeId) {
      counters.ownSkipped++;
      return;
    }
    const result = hub.publish(message.channel, message.event, { relay: false });
    if (result.duplicate) counters.duplicates++;
    else counters.relayed++;
  }

  /** The message, when the record is one for this interest's channel. */
  #decode(interest: Interest, record: LogRecord): BridgeMessage | undefined {
    const message = decodeBridgeRecord(record);
    // A foreign record, or (for hashed keys) another channel with the same hash.
    if (message?.channel !== interest.channel) {
      this.#o.counters.undecodable++;
      return undefined;
    }
    return message;
  }

  #drop(interest: Interest): void {
    interest.watch?.close();
    this.#interests.delete(interest.channel);
    this.#o.hub.forget(interest.channel);
    this.#o.counters.drops++;
  }

  #fail(interest: Interest, error: unknown): void {
    interest.state = 'failed';
    interest.buffer = undefined;
    this.#o.counters.failures++;
    this.#logger.warn(
      { err: error, channel: interest.channel },
      'channel not taken from the delivery log; retried while it has subscribers',
    );
  }
}
