/**
 * @module The EventLog port: an append-only, durable, ordered log of opaque records with named,
 * resumable consumers. Adapters: embedded segment files (default), NATS JetStream, in-memory
 * (tests). A Kafka adapter would map a log to a topic, `key` to the message key (so order per
 * key holds per partition), offsets to per-partition offsets and consumers to consumer groups
 * with committed offsets — see docs/eventlog.md.
 */

/** Position of a record in a log: 1 for the first record ever appended; 0 means "before the first". */
export type Offset = number;

/** A record to append. The log never looks inside `payload`. */
export interface AppendRecord {
  /** Unique id (the event id). Appending the same id again within the dedupe window is a no-op. */
  id: string;
  /** Partition key: records with the same key are delivered in append order. */
  key: string;
  /** Event type, kept as metadata so tools can filter without decoding. */
  type: string;
  /** Encoded event (see `encodeEvent` in @tickline/kernel). */
  payload: Uint8Array;
  /** Milliseconds since the epoch; used by `{ from: 'time' }`. @default the time of the append */
  time?: number;
}

/** The outcome for one appended record. */
export type AppendResult = { ok: true; offset: Offset; duplicate: boolean } | { ok: false; error: Error };

/** A record as stored. */
export interface LogRecord {
  offset: Offset;
  id: string;
  key: string;
  type: string;
  time: number;
  payload: Uint8Array;
}

/** Where a new durable consumer starts. Ignored when the consumer already exists. */
export type StartPosition =
  | { from: 'earliest' }
  | { from: 'latest' }
  | { from: 'offset'; offset: Offset }
  | { from: 'time'; time: number };

/** Options for {@link EventLog.consumer}. */
export interface ConsumerOptions {
  /** @default { from: 'earliest' } */
  start?: StartPosition;
  /**
   * Several processes hold this durable name at once and split its records between them (the
   * gateways' delivery consumers). Order per key then holds per holder only, and the NATS
   * adapter does not pause on delivery-sequence gaps, which other holders cause all the time.
   * @default false
   */
  shared?: boolean;
  /**
   * The log removes this durable after it has had no holder for this long. For consumers named
   * after one process (each gateway reads every delivery event itself, `<name>-<nodeId>`): a
   * process that is gone for good — a replaced pod with a new node id — leaves no durable behind
   * whose lag grows forever; one back within the time resumes where it stopped. Set on creation
   * only. The embedded log, one process by design, keeps every consumer and ignores it.
   * @default never
   */
  expireAfterMs?: number;
}

/** Options for {@link LogConsumer.fetch}. */
export interface FetchOptions {
  /** Most records to return. */
  max: number;
  /** How long to wait for at least one record before returning an empty batch. */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * A durable, named consumer. Delivery is at-least-once: records fetched but not acknowledged
 * are delivered again after the consumer is closed and reopened (or the process restarts).
 */
export interface LogConsumer {
  readonly name: string;
  /** The next batch after the last record fetched, in offset order. */
  fetch(options: FetchOptions): Promise<LogRecord[]>;
  /** Acknowledges every record up to and including `offset`. */
  ack(offset: Offset): Promise<void>;
  /** Releases the consumer; unacknowledged records will be redelivered to the next holder. */
  close(): Promise<void>;
}

/** A consumer's position as the log sees it. */
export interface ConsumerInfo {
  name: string;
  /** Last acknowledged offset (0 before any). */
  acked: Offset;
  /** Records after `acked` up to the head. */
  lag: number;
}

/** The range of offsets the log still holds. Both 0 when empty. */
export interface LogHead {
  /** First offset still readable (retention moves it forward). */
  first: Offset;
  /** Last offset appended. */
  last: Offset;
}

/** Options for {@link EventLog.read}. */
export interface ReadOptions {
  /** First offset to return (inclusive). Offsets before the first retained one start there. */
  from: Offset;
  /** Most records to return. */
  limit: number;
}

/** Whether the log can currently take appends. */
export interface LogHealth {
  connected: boolean;
  detail?: string;
}

/** The port. */
export interface EventLog {
  /** A name for logs and metrics: the directory or the stream. */
  readonly name: string;
  /**
   * Appends records in order and resolves once they are durable as the adapter defines it
   * (fsync for the embedded log per its policy; stream acknowledgement for JetStream).
   * One result per record, in order. Rejects only when the whole batch could not be attempted
   * (closed, disconnected); callers retry with the same ids and the log dedupes.
   */
  append(records: readonly AppendRecord[]): Promise<AppendResult[]>;
  /** Reads a range for replay and inspection, independent of consumers. */
  read(options: ReadOptions): Promise<LogRecord[]>;
  head(): Promise<LogHead>;
  /** Opens (creating on first use) the durable consumer `name`. */
  consumer(name: string, options?: ConsumerOptions): Promise<LogConsumer>;
  /** Positions and lag of every durable consumer. */
  consumers(): Promise<ConsumerInfo[]>;
  /** Moves a durable consumer to `start` (for replay); it must not be open. */
  resetConsumer(name: string, start: StartPosition): Promise<void>;
  health(): LogHealth;
  close(): Promise<void>;
}
