/** @module InMemoryEventLog: the port's reference semantics, with no I/O. For tests and tools. */
import { EventLogError } from '../port/errors.ts';
import type { KeyHistory, KeyHistoryOptions, KeyInterest, KeyWatch } from '../port/key-interest.ts';
import type {
  AppendRecord,
  AppendResult,
  ConsumerInfo,
  ConsumerOptions,
  EventLog,
  FetchOptions,
  LogConsumer,
  LogHead,
  LogHealth,
  LogRecord,
  Offset,
  ReadOptions,
  StartPosition,
} from '../port/event-log.ts';
import { DEFAULT_DEDUPE_WINDOW_MS, DedupeWindow } from './dedupe-window.ts';
import { AppendSignal } from './append-signal.ts';

/** Options for {@link createInMemoryEventLog}. */
export interface InMemoryEventLogOptions {
  /** @default 'memory' */
  name?: string;
  /** @default 120_000 */
  dedupeWindowMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** Creates an empty in-memory log. */
export function createInMemoryEventLog(options: InMemoryEventLogOptions = {}): InMemoryEventLog {
  return new InMemoryEventLog(options);
}

export class InMemoryEventLog implements EventLog, KeyInterest {
  readonly name: string;
  readonly #records: LogRecord[] = [];
  readonly #dedupe: DedupeWindow;
  readonly #now: () => number;
  readonly #acked = new Map<string, Offset>();
  readonly #open = new Set<string>();
  readonly #signal = new AppendSignal();
  readonly #watches = new Map<string, Set<(record: LogRecord) => void>>();
  readonly #reconnectListeners = new Set<() => void>();
  #connected = true;
  #closed = false;

  constructor(options: InMemoryEventLogOptions = {}) {
    this.name = options.name ?? 'memory';
    this.#dedupe = new DedupeWindow(options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS);
    this.#now = options.now ?? Date.now;
  }

  /** Simulates an outage: appends reject with EVLOG_UNAVAILABLE until set back. */
  setConnected(connected: boolean): void {
    const back = connected && !this.#connected;
    this.#connected = connected;
    if (back) for (const listener of this.#reconnectListeners) listener();
  }

  async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    this.#assertOpen();
    if (!this.#connected) throw new EventLogError('EVLOG_UNAVAILABLE', 'in-memory log is disconnected');
    const now = this.#now();
    const results: AppendResult[] = [];
    for (const record of records) {
      const existing = this.#dedupe.get(record.id, now);
      if (existing !== undefined) {
        results.push({ ok: true, offset: existing, duplicate: true });
        continue;
      }
      const offset = this.#records.length + 1;
      const stored = {
        offset,
        id: record.id,
        key: record.key,
        type: record.type,
        time: record.time ?? now,
        payload: record.payload,
      };
      this.#records.push(stored);
      this.#dedupe.set(record.id, offset, now);
      for (const watch of this.#watches.get(record.key) ?? []) watch({ ...stored, offset: 0 });
      results.push({ ok: true, offset, duplicate: false });
    }
    this.#signal.notify();
    return results;
  }

  async read(options: ReadOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const start = Math.max(1, options.from);
    return this.#records.slice(start - 1, start - 1 + options.limit);
  }

  async head(): Promise<LogHead> {
    const last = this.#records.length;
    return { first: last === 0 ? 0 : 1, last };
  }

  async consumer(name: string, options: ConsumerOptions = {}): Promise<LogConsumer> {
    this.#assertOpen();
    if (this.#open.has(name))
      throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is already open`);
    if (!this.#acked.has(name))
      this.#acked.set(name, this.#resolveStart(options.start ?? { from: 'earliest' }));
    this.#open.add(name);
    let cursor = this.#acked.get(name)!;
    let closed = false;
    return {
      name,
      fetch: async (fetchOptions: FetchOptions): Promise<LogRecord[]> => {
        if (closed) throw new EventLogError('EVLOG_CLOSED', `consumer "${name}" is closed`);
        if (cursor >= this.#records.length) await this.#signal.wait(fetchOptions.waitMs, fetchOptions.signal);
        const batch = this.#records.slice(cursor, cursor + fetchOptions.max);
        cursor += batch.length;
        return batch;
      },
      ack: async (offset: Offset): Promise<void> => {
        if (closed) throw new EventLogError('EVLOG_CLOSED', `consumer "${name}" is closed`);
        if (offset > (this.#acked.get(name) ?? 0))
          this.#acked.set(name, Math.min(offset, this.#records.length));
      },
      close: async (): Promise<void> => {
        closed = true;
        this.#open.delete(name);
      },
    };
  }

  async consumers(): Promise<ConsumerInfo[]> {
    return [...this.#acked].map(([name, acked]) => ({ name, acked, lag: this.#records.length - acked }));
  }

  async resetConsumer(name: string, start: StartPosition): Promise<void> {
    if (this.#open.has(name)) throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is open`);
    this.#acked.set(name, this.#resolveStart(start));
  }

  async watchKey(key: string, onRecord: (record: LogRecord) => void): Promise<KeyWatch> {
    this.#assertOpen();
    let watches = this.#watches.get(key);
    if (!watches) this.#watches.set(key, (watches = new Set()));
    watches.add(onRecord);
    return {
      close: () => {
        watches.delete(onRecord);
        if (watches.size === 0 && this.#watches.get(key) === watches) this.#watches.delete(key);
      },
    };
  }

  async keyHistory(key: string, options: KeyHistoryOptions): Promise<KeyHistory> {
    this.#assertOpen();
    const all = this.#records.filter((r) => r.key === key && r.time >= options.sinceMs);
    const limit = Math.max(0, options.limit);
    return { records: all.slice(Math.max(0, all.length - limit)), truncated: all.length > limit };
  }

  async lastOfKey(key: string): Promise<LogRecord | undefined> {
    this.#assertOpen();
    return this.#records.findLast((r) => r.key === key);
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  health(): LogHealth {
    return this.#connected && !this.#closed
      ? { connected: true }
      : { connected: false, detail: this.#closed ? 'closed' : 'disconnected' };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#signal.notify();
  }

  /** The acked offset a new consumer starts from (it receives records after it). */
  #resolveStart(start: StartPosition): Offset {
    switch (start.from) {
      case 'earliest':
        return 0;
      case 'latest':
        return this.#records.length;
      case 'offset':
        return Math.max(0, start.offset - 1);
      case 'time': {
        const index = this.#records.findIndex((r) => r.time >= start.time);
        return index === -1 ? this.#records.length : index;
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventLogError('EVLOG_CLOSED', `event log "${this.name}" is closed`);
  }
}
