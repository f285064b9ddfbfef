/**
 * @module Cross-node fan-out through the event log. Each gateway appends what is published on its
 * hub to a shared log, and tails the log from `latest` with its own consumer, publishing what other
 * gateways appended into its hub. Local subscribers get local events at once (never waiting on the
 * log); a node skips its own records, and the hub drops any id a channel already holds.
 *
 * Best effort, like the live stream it feeds: when the log is down, appends are retried once per
 * batch and then dropped and counted (resume still works on the node that published). Pass a
 * `Publisher` from @tickline/eventlog to get its outage buffer instead.
 */
import { silentLogger, uuidv7, type Logger } from '@tickline/kernel';
import {
  isEventLogClosedError,
  type AppendRecord,
  type EventLog,
  type LogConsumer,
  type LogRecord,
} from '@tickline/eventlog';
import type { Hub } from '../hub/hub.ts';
import type { HubEvent } from '../hub/hub-message.ts';
import { decodeBridgeRecord, encodeBridgeRecord } from './bridge-record.ts';

export const DEFAULT_BRIDGE_FETCH_MAX = 512;
export const DEFAULT_BRIDGE_FETCH_WAIT_MS = 1_000;
/** Records waiting for an append before the oldest are dropped. */
export const DEFAULT_BRIDGE_MAX_QUEUED = 10_000;
/** Pause after a failed fetch or append. */
export const DEFAULT_BRIDGE_RETRY_DELAY_MS = 500;

/** Options for {@link createEventLogBridge}. */
export interface EventLogBridgeOptions {
  log: EventLog;
  hub: Hub;
  /** This gateway's stable name; also names its durable consumer. @default a random UUIDv7 */
  nodeId?: string;
  /** Prefix of the consumer name (`<prefix>-<nodeId>`). @default 'realtime-bridge' */
  consumerPrefix?: string;
  /** Appends through this publisher (outage buffer) instead of directly. */
  publisher?: { publishRecord(record: AppendRecord): void };
  /** @default 512 */
  fetchMax?: number;
  /** @default 1_000 */
  fetchWaitMs?: number;
  /** @default 10_000 */
  maxQueued?: number;
  /** @default 500 */
  retryDelayMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** Counters since start. */
export interface EventLogBridgeStats {
  appended: number;
  appendDropped: number;
  relayed: number;
  ownSkipped: number;
  duplicates: number;
  undecodable: number;
}

export interface EventLogBridge {
  readonly nodeId: string;
  /** Opens the consumer at the log's head, then starts relaying both ways. */
  start(): Promise<void>;
  /** Stops relaying, flushes pending appends (best effort) and closes the consumer. */
  stop(): Promise<void>;
  stats(): EventLogBridgeStats;
}

export function createEventLogBridge(options: EventLogBridgeOptions): EventLogBridge {
  const { log, hub } = options;
  const nodeId = options.nodeId ?? uuidv7();
  const consumerName = `${options.consumerPrefix ?? 'realtime-bridge'}-${nodeId}`;
  const fetchMax = options.fetchMax ?? DEFAULT_BRIDGE_FETCH_MAX;
  const fetchWaitMs = options.fetchWaitMs ?? DEFAULT_BRIDGE_FETCH_WAIT_MS;
  const maxQueued = options.maxQueued ?? DEFAULT_BRIDGE_MAX_QUEUED;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_BRIDGE_RETRY_DELAY_MS;
  const logger = (options.logger ?? silentLogger).child({ component: 'realtime-bridge', nodeId });
  const stats: EventLogBridgeStats = {
    appended: 0,
    appendDropped: 0,
    relayed: 0,
    ownSkipped: 0,
    duplicates: 0,
    undecodable: 0,
  };
  const abort = new AbortController();
  let queue: AppendRecord[] = [];
  let appending: Promise<void> | undefined;
  let consumer: LogConsumer | undefined;
  let loop: Promise<void> | undefined;
  let removeListener: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  function enqueue(channel: string, event: HubEvent): void {
    const record = encodeBridgeRecord(nodeId, channel, event);
    if (options.publisher) {
      options.publisher.publishRecord(record);
      stats.appended++;
      return;
    }
    if (queue.length >= maxQueued) {
      queue.shift();
      stats.appendDropped++;
    }
    queue.push(record);
    appending ??= Promise.resolve().then(drain);
  }

  // One append in flight; records published meanwhile go in the next batch.
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (await appendBatch(batch)) continue;
      await pause(retryDelayMs);
      if (!abort.signal.aborted && (await appendBatch(batch))) continue;
      stats.appendDropped += batch.length;
      logger.warn({ dropped: batch.length }, 'event log append failed twice; relayed events dropped');
    }
    appending = undefined;
  }

  async function appendBatch(batch: AppendRecord[]): Promise<boolean> {
    try {
      const results = await log.append(batch);
      for (const result of results) {
        if (result.ok) stats.appended++;
        else stats.appendDropped++;
      }
      return true;
    } catch (error) {
      logger.warn({ err: error }, 'event log append failed');
      return false;
    }
  }

  async function consume(): Promise<void> {
    while (!abort.signal.aborted) {
      let records;
      try {
        records = await consumer!.fetch({ max: fetchMax, waitMs: fetchWaitMs, signal: abort.signal });
      } catch (error) {
        if (abort.signal.aborted || isEventLogClosedError(error)) return;
        logger.warn({ err: error }, 'event log fetch failed; retrying');
        await pause(retryDelayMs);
        continue;
      }
      for (const record of records) relay(record);
      const last = records.at(-1);
      if (last)
        await consumer!.ack(last.offset).catch((error: unknown) => logger.warn({ err: error }, 'ack failed'));
    }
  }

  function relay(record: LogRecord): void {
    const message = decodeBridgeRecord(record);
    if (message === undefined) {
      stats.undecodable++;
      return;
    }
    if (message.origin === nodeId) {
      stats.ownSkipped++;
      return;
    }
    try {
      const result = hub.publish(message.channel, message.event, { relay: false });
      if (result.duplicate) stats.duplicates++;
      else stats.relayed++;
    } catch (error) {
      stats.undecodable++;
      logger.warn({ err: error, channel: message.channel }, 'relayed event refused by the hub');
    }
  }

  return {
    nodeId,
    async start() {
      // Live fan-out only: a restarted node starts at the head, not where its consumer stopped.
      await log.resetConsumer(consumerName, { from: 'latest' }).catch(() => undefined);
      consumer = await log.consumer(consumerName, { start: { from: 'latest' } });
      removeListener = hub.onPublish(enqueue);
      loop = consume();
    },
    async stop() {
      removeListener?.();
      if (appending) await appending;
      abort.abort();
      await loop;
      await consumer?.close();
    },
    stats: () => ({ ...stats }),
  };
}
