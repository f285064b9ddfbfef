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
   * "lost" — or it never reached Redis, and the holder's entry there grows old. It carries a lease
   * that still held at its start on, never revives a lapsed one, and never carries it more than half
   * a lease past the last answered heartbeat (see {@link DirectoryLease.renew}).
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
  /** Start of the last answered heartbeat: the time the holder's entry in Redis says. */
  #answeredAt: number;

  /** `fenced` false (no Redis, or failover off): the lease always holds. */
  constructor(options: { leaseMs: number; fenced: boolean; now?: () => number }) {
    this.#leaseMs = options.leaseMs;
    this.#fenced = options.fenced;
    this.#now = options.now ?? (() => performance.now());
    this.#renewedAt = this.#answeredAt = this.#now();
  }

  /** Whether this process may write now. */
  held(): boolean {
    return !this.#fenced || this.#now() - this.#renewedAt < this.#leaseMs;
  }

  /** Starts the lease afresh (the zones were just taken at start). */
  restart(): void {
    this.#renewedAt = this.#answeredAt = this.#now();
  }

  /**
   * A heartbeat that began at `startedAt` (`performance.now()`) ended with `outcome`. Unanswered
   * ones once carried the lease on from one to the next for as long as each started while it held:
   * a process whose heartbeats kept timing out on a loaded machine wrote on while its entry in Redis
   * aged, a peer took its zone over (an entry `failoverAfterMs`, two leases, old) and both wrote
   * the same seqs. Carried at most half a lease past the last answered heartbeat, the lease ends
   * half a lease before a peer may take over.
   */
  renew(startedAt: number, outcome: HeartbeatOutcome = HeartbeatOutcome.Answered): void {
    if (outcome === HeartbeatOutcome.Unanswered) {
      if (startedAt - this.#renewedAt >= this.#leaseMs) return;
      if (startedAt - this.#answeredAt >= this.#leaseMs / 2) return;
    } else this.#answeredAt = Math.max(this.#answeredAt, startedAt);
    this.#renewedAt = Math.max(this.#renewedAt, startedAt);
  }
}
