/**
 * @module The log position a snapshot is tagged with. The publisher never reports offsets, so the
 * snapshotter uses the log head as last READ before the snapshot was taken: every event created
 * after the snapshot is appended after that read completed, so its offset is above it. Replay
 * starts there and skips the seqs the snapshot already holds; a stale head only means a longer
 * replay, never a missed event.
 */
import type { Logger } from '@tickline/kernel';
import type { LogHead } from '@tickline/eventlog';

/** What the tracker needs of an event log. */
export interface LogHeadSource {
  head(): Promise<LogHead>;
}

/** Keeps the last log head read; `refresh()` starts a new read without waiting for it. */
export class LogPositionTracker {
  readonly #log: LogHeadSource | undefined;
  readonly #logger: Logger | undefined;
  #confirmed = 0;
  #reading: Promise<void> | undefined;

  /** Without a log every snapshot is tagged 0: recovery then replays the zone's events from the start. */
  constructor(log: LogHeadSource | undefined, logger?: Logger) {
    this.#log = log;
    this.#logger = logger;
  }

  /** The last head read to completion (0 before the first). */
  get confirmed(): number {
    return this.#confirmed;
  }

  /** Starts a head read unless one is running; resolves when it settles (never rejects). */
  refresh(): Promise<void> {
    if (!this.#log) return Promise.resolve();
    this.#reading ??= this.#log.head().then(
      (head) => {
        this.#confirmed = Math.max(this.#confirmed, head.last);
        this.#reading = undefined;
      },
      (error: unknown) => {
        // The log is away: keep the older (still safe) position.
        this.#logger?.debug({ err: error }, 'log head read failed; snapshots keep the previous position');
        this.#reading = undefined;
      },
    );
    return this.#reading;
  }
}
