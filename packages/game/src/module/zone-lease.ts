/**
 * @module The lease under which a process writes to what it holds in a shared directory (its zones,
 * or its rooms): it holds for `leaseMs` (half of `game.failoverAfterMs`) from the start of the
 * last heartbeat that renewed it, so a process that stalls stops writing before a peer may take
 * over, and on waking writes nothing until its heartbeat has said which zones are still its own.
 *
 * Each directory renews its own lease: a heartbeat of the rooms directory says nothing about the
 * zones (with no room it does not even reach Redis), so it must not let a woken process tick zones
 * a peer took over meanwhile.
 */

/** How a heartbeat ended, as {@link DirectoryLease.renew} judges it. */
export const HeartbeatOutcome = {
  /** Redis answered, or was known to be away (play never waits on Redis): renews. */
  Answered: 'answered',
  /**
   * The command failed or timed out: it may still have run in Redis, and its answer may have been
   * "lost". It carries a lease that still held at its start on, but never revives a lapsed one.
   */
  Unanswered: 'unanswered',
} as const;
export type HeartbeatOutcome = (typeof HeartbeatOutcome)[keyof typeof HeartbeatOutcome];

/** One directory's lease. `now` is `performance.now()` unless a test drives it. */
export class DirectoryLease {
  readonly #leaseMs: number;
  readonly #fenced: boolean;
  readonly #now: () => number;
  #renewedAt: number;

  /** `fenced` false (no Redis, or failover off): the lease always holds. */
  constructor(options: { leaseMs: number; fenced: boolean; now?: () => number }) {
    this.#leaseMs = options.leaseMs;
    this.#fenced = options.fenced;
    this.#now = options.now ?? (() => performance.now());
    this.#renewedAt = this.#now();
  }

  /** Whether this process may write now. */
  held(): boolean {
    return !this.#fenced || this.#now() - this.#renewedAt < this.#leaseMs;
  }

  /** Starts the lease afresh (the zones were just taken at start). */
  restart(): void {
    this.#renewedAt = this.#now();
  }

  /** A heartbeat that began at `startedAt` (`performance.now()`) ended with `outcome`. */
  renew(startedAt: number, outcome: HeartbeatOutcome = HeartbeatOutcome.Answered): void {
    if (outcome === HeartbeatOutcome.Unanswered && startedAt - this.#renewedAt >= this.#leaseMs) return;
    this.#renewedAt = Math.max(this.#renewedAt, startedAt);
  }
}
