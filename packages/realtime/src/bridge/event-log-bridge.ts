/**
 * @module Cross-node fan-out through the real-time delivery log, by interest. Every message on a
 * channel sits on the log under the channel's key (channel-key.ts; on NATS its own subject). A
 * gateway appends what is published on its own hub, and takes from the log only the channels its
 * connected clients subscribe to ({@link EventLogBridge.ensure}, awaited by the gateway before a
 * client's subscribe): 500 gateways whose clients want disjoint tenths of the market channels
 * each receive a tenth of the market messages, not all of them.
 *
 * Local subscribers get local publishes at once (never waiting on the log); the node skips its
 * own records coming back, and the hub drops any id a channel already holds. Per channel, order
 * holds per publishing node.
 */
import { silentLogger, systemClock, uuidv7, type Clock, type Logger, type Registry } from '@tickline/kernel';
import type { AppendRecord, InterestLog } from '@tickline/eventlog';
import { channelKey } from '../channels/channel-key.ts';
import type { Hub } from '../hub/hub.ts';
import type { HubEvent } from '../hub/hub-message.ts';
import { DEFAULT_HISTORY_MAX_AGE_MS, DEFAULT_HISTORY_MAX_EVENTS } from '../hub/hub-options.ts';
import {
  createBridgeAppender,
  DEFAULT_BRIDGE_MAX_QUEUED,
  DEFAULT_BRIDGE_RETRY_DELAY_MS,
} from './bridge-appender.ts';
import { registerBridgeMetrics, type EventLogBridgeStats } from './bridge-metrics.ts';
import { decodeBridgeRecord, encodeBridgeRecord } from './bridge-record.ts';
import { ChannelInterests, DEFAULT_INTEREST_GRACE_MS } from './channel-interests.ts';

export { DEFAULT_BRIDGE_MAX_QUEUED, DEFAULT_BRIDGE_RETRY_DELAY_MS } from './bridge-appender.ts';
export { DEFAULT_INTEREST_GRACE_MS } from './channel-interests.ts';

/** Options for {@link createEventLogBridge}. */
export interface EventLogBridgeOptions {
  /** The delivery log, readable by key (NATS; the in-memory log in tests). */
  log: InterestLog;
  hub: Hub;
  /** This gateway's stable name; its records carry it as their origin. @default a random UUIDv7 */
  nodeId?: string;
  /** Appends through this publisher (outage buffer) instead of directly. */
  publisher?: { publishRecord(record: AppendRecord): void };
  /** How long a channel stays taken after its last local subscriber left. @default 30_000 */
  graceMs?: number;
  /** The history read when interest in a channel starts: the hub's resume window. */
  history?: { maxEvents?: number; maxAgeMs?: number };
  /** @default 10_000 */
  maxQueued?: number;
  /** @default 500 */
  retryDelayMs?: number;
  /** Gauges and counters of the interests (`tickline_realtime_interest_*`). */
  metrics?: Registry;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

/** Counters since start. */
export type { EventLogBridgeStats } from './bridge-metrics.ts';

export interface EventLogBridge {
  readonly nodeId: string;
  /** Starts appending local publishes and sweeping interests. */
  start(): Promise<void>;
  /** Stops, flushes pending appends (best effort) and ends every interest. */
  stop(): Promise<void>;
  /** Resolves once each of `channels` is taken from the log here, its history in the hub. */
  ensure(channels: readonly string[]): Promise<void>;
  /** The newest message the log holds for `channel` (state a gateway reads on demand). */
  latest(channel: string): Promise<HubEvent | undefined>;
  stats(): EventLogBridgeStats;
}

export function createEventLogBridge(options: EventLogBridgeOptions): EventLogBridge {
  const { log, hub } = options;
  const nodeId = options.nodeId ?? uuidv7();
  const clock = options.clock ?? systemClock;
  const graceMs = options.graceMs ?? DEFAULT_INTEREST_GRACE_MS;
  const logger = (options.logger ?? silentLogger).child({ component: 'realtime-bridge', nodeId });
  const counters = {
    appended: 0,
    appendDropped: 0,
    received: 0,
    historyReceived: 0,
    relayed: 0,
    duplicates: 0,
    ownSkipped: 0,
    undecodable: 0,
    starts: 0,
    drops: 0,
    failures: 0,
  };
  const abort = new AbortController();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  const appender = createBridgeAppender({
    log,
    publisher: options.publisher,
    maxQueued: options.maxQueued ?? DEFAULT_BRIDGE_MAX_QUEUED,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_BRIDGE_RETRY_DELAY_MS,
    logger,
    counters,
    pause,
  });
  const interests = new ChannelInterests({
    log,
    hub,
    nodeId,
    historyMaxEvents: options.history?.maxEvents ?? DEFAULT_HISTORY_MAX_EVENTS,
    historyMaxAgeMs: options.history?.maxAgeMs ?? DEFAULT_HISTORY_MAX_AGE_MS,
    graceMs,
    now: () => clock.now(),
    counters,
    logger,
  });
  const stats = (): EventLogBridgeStats => ({ ...counters, channels: interests.size });
  if (options.metrics) registerBridgeMetrics(options.metrics, stats);
  let sweeper: NodeJS.Timeout | undefined;
  let removeListeners: Array<() => void> = [];

  return {
    nodeId,
    async start() {
      removeListeners = [
        hub.onPublish((channel, event) => appender.enqueue(encodeBridgeRecord(nodeId, channel, event))),
        log.onReconnect(() => interests.resync()),
      ];
      // Often enough that a channel is let go within 1.5 grace periods of its last subscriber.
      sweeper = setInterval(() => interests.sweep(), Math.max(100, Math.floor(graceMs / 2)));
      sweeper.unref();
    },
    async stop() {
      for (const remove of removeListeners) remove();
      clearInterval(sweeper);
      await appender.flushed();
      abort.abort();
      interests.close();
    },
    ensure: (channels) => interests.ensure(channels),
    async latest(channel) {
      const record = await log.lastOfKey(channelKey(channel));
      const message = record && decodeBridgeRecord(record);
      return message?.channel === channel ? message.event : undefined;
    },
    stats,
  };
}
