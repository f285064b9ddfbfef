/**
 * @module OutageBuffer: what the publisher has accepted but the log has not yet taken, kept in
 * publish order across memory and the spill journal.
 *
 * Order of sending: records recovered from a previous run's journal, then the memory queue, then
 * this run's journal. Once the memory queue is full every new record goes to the journal — even
 * after memory has room again — until the journal is empty, so nothing overtakes older records.
 */
import type { Logger } from '@tickline/kernel';
import type { AppendRecord } from '../port/event-log.ts';
import { RecordQueue } from './record-queue.ts';
import { SpillJournal, type JournalRecovery } from './spill-journal.ts';

/** Options for {@link OutageBuffer}. */
export interface OutageBufferOptions {
  journalPath: string;
  maxQueuedEvents: number;
  maxBatch: number;
  logger: Logger;
  /** Something may have become ready to send (a journal write completed). */
  onReady: () => void;
}

/** Records to append; call `commit` once the log has them. */
export interface BufferBatch {
  records: AppendRecord[];
  commit: () => void;
}

export class OutageBuffer {
  readonly #memory = new RecordQueue<AppendRecord>();
  readonly #journal: SpillJournal;
  readonly #maxQueued: number;
  readonly #maxBatch: number;
  #logger: Logger;
  #spilling = false;

  constructor(options: OutageBufferOptions) {
    this.#maxQueued = options.maxQueuedEvents;
    this.#maxBatch = options.maxBatch;
    this.#logger = options.logger;
    this.#journal = new SpillJournal({
      path: options.journalPath,
      logger: options.logger,
      onWritten: options.onReady,
    });
  }

  set logger(logger: Logger) {
    this.#logger = logger;
    this.#journal.logger = logger;
  }

  get journalPath(): string {
    return this.#journal.path;
  }

  /** Records in memory. */
  get queued(): number {
    return this.#memory.length;
  }

  /** Records in the journal (written or being written). */
  get spilled(): number {
    return this.#journal.unsent;
  }

  /** The journal's last write failure, if it has not succeeded since. */
  get journalError(): unknown {
    return this.#journal.writeError;
  }

  /** Opens the journal and takes over what a previous run left in it. */
  async open(): Promise<JournalRecovery> {
    const recovery = await this.#journal.open();
    // Records spilled before open (publish before start) must stay behind any newer memory.
    if (this.#journal.unsent > this.#journal.prefixRemaining) this.#spilling = true;
    return recovery;
  }

  /** Queues a record in memory, or in the journal when spilling. Returns true when spilled. */
  push(record: AppendRecord): boolean {
    if (!this.#spilling && this.#memory.length < this.#maxQueued) {
      this.#memory.push(record);
      return false;
    }
    if (!this.#spilling) {
      this.#spilling = true;
      this.#logger.warn(
        { queued: this.#memory.length },
        'publisher memory queue full; spilling new events to the journal',
      );
    }
    this.#journal.append(record);
    return true;
  }

  /**
   * The next batch in order, or undefined when nothing is ready (wait for `onReady` or a push).
   * A journal that cannot be read is reported through `onLost` and its unread rest dropped.
   */
  async next(onLost: (count: number, error: unknown) => void): Promise<BufferBatch | undefined> {
    const journal = this.#journal;
    if (journal.prefixRemaining > 0)
      return this.#readJournal(Math.min(this.#maxBatch, journal.prefixRemaining), onLost);
    if (this.#memory.length > 0) {
      const records = this.#memory.peek(this.#maxBatch);
      return { records, commit: () => this.#memory.drop(records.length) };
    }
    if (journal.readable > 0) return this.#readJournal(this.#maxBatch, onLost);
    if (journal.unsent === 0) {
      if (this.#spilling) {
        this.#spilling = false;
        this.#logger.info('spill journal drained; publishing from memory again');
      }
      journal.resetIfDrained();
    }
    return undefined;
  }

  /** Writes everything unsent to the journal (fsync) and closes it. Returns the records saved. */
  async persist(): Promise<number> {
    await this.#journal.open();
    return this.#journal.persist(this.#memory.takeAll());
  }

  async #readJournal(
    max: number,
    onLost: (count: number, error: unknown) => void,
  ): Promise<BufferBatch | undefined> {
    try {
      const batch = await this.#journal.read(max);
      return { records: batch.records, commit: () => this.#journal.commit(batch) };
    } catch (error) {
      onLost(this.#journal.discardUnread(), error);
      return undefined;
    }
  }
}
