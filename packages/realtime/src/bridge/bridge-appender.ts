/**
 * @module The append side of the bridge: what is published on this gateway's hub goes to the
 * delivery log, one append in flight, records published meanwhile in the next. Best effort, like
 * the live stream it feeds: a failed batch is retried once, then dropped and counted (resume
 * still works on the node that published). A `Publisher` from @tickline/eventlog, when given,
 * takes the records instead, with its outage buffer.
 */
import type { Logger } from '@tickline/kernel';
import type { AppendRecord, EventLog } from '@tickline/eventlog';

/** Records waiting for an append before the oldest are dropped. */
export const DEFAULT_BRIDGE_MAX_QUEUED = 10_000;
/** Pause after a failed append before its one retry. */
export const DEFAULT_BRIDGE_RETRY_DELAY_MS = 500;

/** What the appender counts. */
export interface AppenderCounters {
  appended: number;
  appendDropped: number;
}

export interface BridgeAppenderOptions {
  log: EventLog;
  publisher?: { publishRecord(record: AppendRecord): void } | undefined;
  maxQueued: number;
  retryDelayMs: number;
  logger: Logger;
  counters: AppenderCounters;
  /** Resolves early when the bridge stops. */
  pause: (ms: number) => Promise<void>;
}

export interface BridgeAppender {
  enqueue(record: AppendRecord): void;
  /** Resolves once the append in flight (if any) has ended. */
  flushed(): Promise<void>;
}

export function createBridgeAppender(options: BridgeAppenderOptions): BridgeAppender {
  const { log, counters, logger } = options;
  let queue: AppendRecord[] = [];
  let appending: Promise<void> | undefined;

  async function appendBatch(batch: AppendRecord[]): Promise<boolean> {
    try {
      for (const result of await log.append(batch)) {
        if (result.ok) counters.appended++;
        else counters.appendDropped++;
      }
      return true;
    } catch (error) {
      logger.warn({ err: error }, 'event log append failed');
      return false;
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (await appendBatch(batch)) continue;
      await options.pause(options.retryDelayMs);
      if (await appendBatch(batch)) continue;
      counters.appendDropped += batch.length;
      logger.warn({ dropped: batch.length }, 'event log append failed twice; relayed events dropped');
    }
    appending = undefined;
  }

  return {
    enqueue(record) {
      if (options.publisher) {
        options.publisher.publishRecord(record);
        counters.appended++;
        return;
      }
      if (queue.length >= options.maxQueued) {
        queue.shift();
        counters.appendDropped++;
      }
      queue.push(record);
      appending ??= Promise.resolve().then(drain);
    },
    flushed: async () => {
      if (appending) await appending;
    },
  };
}
