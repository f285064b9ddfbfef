/**
 * @module The quarantine buffer: rejected messages are kept for inspection, but writing them must
 * never slow the trade path. `add` only pushes to memory; a timer (or a full batch) flushes in the
 * background, one write at a time. When the store is down or slow the buffer is bounded: the
 * oldest rows are dropped and counted, since a flood of bad data is the case where memory matters.
 */
import { silentLogger, type Logger } from '@tickline/kernel';
import type { QuarantineEntry } from '../storage/quarantine.ts';

/** A message the collector rejected: the `market_quarantine` row storage writes. */
export type QuarantinedMessage = QuarantineEntry;

/** Writes a batch of quarantined messages (e.g. storage's `insertQuarantine`). */
export type QuarantineSink = (rows: readonly QuarantinedMessage[]) => Promise<void>;

/** Options for {@link QuarantineBuffer}. */
export interface QuarantineBufferOptions {
  sink: QuarantineSink;
  /** Rows written per batch; a full batch flushes at once. @default 500 */
  batchRows?: number;
  /** Longest a row waits before it is written. @default 1_000 */
  flushIntervalMs?: number;
  /** Rows held while writes fail or lag; beyond it the oldest are dropped. @default 10_000 */
  maxBufferedRows?: number;
  /** @default silentLogger */
  logger?: Logger;
}

export const DEFAULT_QUARANTINE_BATCH_ROWS = 500;
export const DEFAULT_QUARANTINE_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_QUARANTINE_MAX_BUFFERED_ROWS = 10_000;

/** Buffers quarantined messages and writes them in batches, off the hot path. */
export class QuarantineBuffer {
  readonly #sink: QuarantineSink;
  readonly #batchRows: number;
  readonly #flushIntervalMs: number;
  readonly #maxRows: number;
  readonly #logger: Logger;
  #rows: QuarantinedMessage[] = [];
  #writing: Promise<boolean> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #written = 0;
  #dropped = 0;
  #failures = 0;

  constructor(options: QuarantineBufferOptions) {
    this.#sink = options.sink;
    this.#batchRows = options.batchRows ?? DEFAULT_QUARANTINE_BATCH_ROWS;
    this.#flushIntervalMs = options.flushIntervalMs ?? DEFAULT_QUARANTINE_FLUSH_INTERVAL_MS;
    this.#maxRows = options.maxBufferedRows ?? DEFAULT_QUARANTINE_MAX_BUFFERED_ROWS;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Counts since creation; `buffered` is current. */
  stats(): { buffered: number; written: number; dropped: number; failures: number } {
    return {
      buffered: this.#rows.length,
      written: this.#written,
      dropped: this.#dropped,
      failures: this.#failures,
    };
  }

  /** Starts the flush timer. */
  start(): void {
    this.#timer ??= setInterval(() => void this.flush(), this.#flushIntervalMs).unref();
  }

  /** Queues a row; never waits, never throws. */
  add(row: QuarantinedMessage): void {
    this.#rows.push(row);
    this.#dropOldest();
    if (this.#rows.length >= this.#batchRows && !this.#writing) void this.flush();
  }

  /** Writes everything buffered (one batch at a time); resolves when done or failed. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    while (this.#rows.length > 0) {
      const batch = this.#rows.splice(0, this.#batchRows);
      this.#writing = this.#write(batch);
      const ok = await this.#writing;
      this.#writing = null;
      if (!ok) return;
    }
  }

  /** Writes one batch; false (batch put back) when the sink failed. */
  async #write(batch: QuarantinedMessage[]): Promise<boolean> {
    try {
      await this.#sink(batch);
      this.#written += batch.length;
      return true;
    } catch (error) {
      this.#failures++;
      // Put the batch back in front (still bounded); the next flush retries it.
      this.#rows.unshift(...batch);
      this.#dropOldest();
      this.#logger.warn({ err: error, rows: batch.length }, 'writing quarantined market messages failed');
      return false;
    }
  }

  /** Keeps the buffer bounded: the oldest rows beyond `maxBufferedRows` go, counted. */
  #dropOldest(): void {
    const excess = this.#rows.length - this.#maxRows;
    if (excess <= 0) return;
    this.#rows.splice(0, excess);
    this.#dropped += excess;
  }

  /** Stops the timer and makes a last attempt to write what is buffered. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
