/**
 * @module A durable consumer of the embedded log: a cursor over committed records, served from the
 * cache while it keeps up and from the files when it is behind. Acknowledgements go to the
 * coalescing checkpoint store (see there for the at-least-once window). Damaged records are
 * skipped silently here (they are counted and logged where they are found).
 */
import { EventLogError } from '../port/errors.ts';
import type { FetchOptions, LogConsumer, LogRecord, Offset } from '../port/event-log.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import { firstOffset, type LogState } from './log-state.ts';
import { readRecords } from './log-reader.ts';

/** What a consumer needs from the log that opened it. */
export interface ConsumerHost {
  readonly state: LogState;
  readonly checkpoints: CheckpointStore;
  readonly closed: boolean;
  release(name: string): void;
}

export class EmbeddedConsumer implements LogConsumer {
  readonly name: string;
  readonly #host: ConsumerHost;
  #cursor: Offset;
  #closed = false;

  constructor(name: string, host: ConsumerHost, cursor: Offset) {
    this.name = name;
    this.#host = host;
    this.#cursor = cursor;
  }

  async fetch(options: FetchOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const state = this.#host.state;
    if (this.#cursor >= state.lastCommitted) {
      await state.signal.wait(options.waitMs, options.signal);
      if (this.#host.closed || this.#closed) return [];
    }
    // Retention may have deleted what this consumer had not read: continue at the first retained.
    const from = Math.max(this.#cursor + 1, firstOffset(state));
    const records = await readRecords(state, from, options.max);
    if (records.length > 0) this.#cursor = records.at(-1)!.offset;
    return records;
  }

  async ack(offset: Offset): Promise<void> {
    this.#assertOpen();
    const checkpoints = this.#host.checkpoints;
    const acked = Math.min(offset, this.#host.state.lastCommitted);
    if (acked > (checkpoints.positions.get(this.name) ?? 0)) checkpoints.set(this.name, acked);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.release(this.name);
  }

  #assertOpen(): void {
    if (this.#closed || this.#host.closed)
      throw new EventLogError('EVLOG_CLOSED', `consumer "${this.name}" is closed`);
  }
}
