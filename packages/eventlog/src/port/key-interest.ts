/**
 * @module KeyInterest: an optional capability of a log, for readers that want a few keys of it
 * rather than all of it — the real-time gateways, each of which takes only the channels its own
 * clients subscribe to. Live records of a key arrive as they are appended (on NATS a core
 * subscription to the key's subject: nothing is held on the server for it but the interest), and
 * the key's recent history is read on demand to start from without a gap.
 *
 * A watch is live delivery, not a consumer: a record appended while the reader is disconnected is
 * not redelivered to the watch (read the history again after {@link KeyInterest.onReconnect}), and
 * a record re-sent under the same id may arrive twice (the log dedupes what it stores, not what it
 * routes). Readers dedupe by record id.
 */
import type { EventLog, LogRecord } from './event-log.ts';

/** A key being watched; `close` stops the deliveries. */
export interface KeyWatch {
  close(): void;
}

/** Options for {@link KeyInterest.keyHistory}. */
export interface KeyHistoryOptions {
  /** Only records the log took at or after this time (ms since the epoch). */
  sinceMs: number;
  /** Most records to return: the newest ones. */
  limit: number;
}

/** What {@link KeyInterest.keyHistory} found. */
export interface KeyHistory {
  /** Oldest first, in log order. */
  records: LogRecord[];
  /** More records of the key were there since `sinceMs` than `limit`: the oldest were left out. */
  truncated: boolean;
}

/** Reading a log by key. */
export interface KeyInterest {
  /**
   * Hands `onRecord` every record appended under `key` from the moment the returned promise
   * resolves (the interest is registered by then). Records carry offset 0: a watch sees them
   * before, or without, their place in the log.
   */
  watchKey(key: string, onRecord: (record: LogRecord) => void): Promise<KeyWatch>;
  /** The key's records since `sinceMs`, at most `limit`, oldest first. */
  keyHistory(key: string, options: KeyHistoryOptions): Promise<KeyHistory>;
  /** The newest record of `key`, or undefined. */
  lastOfKey(key: string): Promise<LogRecord | undefined>;
  /** Called after the log's connection came back: watches missed what was appended meanwhile. */
  onReconnect(listener: () => void): () => void;
}

/** A log that can be read by key. */
export type InterestLog = EventLog & KeyInterest;

/** Whether `log` offers {@link KeyInterest}. */
export function hasKeyInterest(log: EventLog): log is InterestLog {
  const candidate = log as Partial<KeyInterest>;
  return (
    typeof candidate.watchKey === 'function' &&
    typeof candidate.keyHistory === 'function' &&
    typeof candidate.lastOfKey === 'function'
  );
}
