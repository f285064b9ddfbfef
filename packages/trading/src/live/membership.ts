/**
 * @module Runner membership through the event log: each runner process publishes
 * `strategy.runner.heartbeat` every `heartbeatMs` and reads everyone's (its candle consumer sees
 * them on the same log); `owns(runId)` is true when this member wins the rendezvous over the
 * members heard from within `ttlMs` (see assignment.ts). A stopped process drops out after the
 * ttl and its runs move to the others; a restarted one takes its share back.
 *
 * The ttl is judged where this member has read the log to — the time of its own last heartbeat
 * read back — not by the wall clock. The candle consumer reads a heartbeat only after the candles
 * before it were decided, so a busy member reads every heartbeat late: judged by the wall clock,
 * one behind by more than the ttl heard no one else, kept every run it had and took the others'
 * (a new member never got a share). Judged at its read position, it sees the members that were
 * alive there, late but consistently, and hands their runs over.
 */
import { type Clock, defineEvent, type EventEnvelope, type EventSource } from '@tickline/kernel';
import { z } from 'zod';
import { liveMembers, ownerOf } from './assignment.ts';

export const RunnerHeartbeat = defineEvent({
  type: 'strategy.runner.heartbeat',
  description: 'A live strategy runner process is alive (membership for run assignment).',
  schema: z.object({ member: z.string().min(1), at: z.int().nonnegative() }),
});

/** See the module comment. */
export class RunnerMembership {
  readonly member: string;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #seen = new Map<string, number>();
  /** The time of this member's own last heartbeat read back from the log, once one was. */
  #readTo: number | undefined;
  /** The latest heartbeat time read from the log, anyone's (a reader that has not met its own). */
  #logTo: number | undefined;

  constructor(member: string, clock: Clock, ttlMs = 15_000) {
    this.member = member;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#seen.set(member, clock.now());
  }

  /** This member's heartbeat, to publish (and it counts itself alive). */
  heartbeat(source: EventSource): EventEnvelope {
    const at = this.#clock.now();
    this.#seen.set(this.member, at);
    return source.create(RunnerHeartbeat, { subject: this.member, data: { member: this.member, at } });
  }

  /** Takes the heartbeats among a batch of events. */
  observe(events: readonly EventEnvelope[]): void {
    for (const e of events) {
      if (e.type !== RunnerHeartbeat.type) continue;
      const d = e.data as { member: string; at: number };
      this.#logTo = Math.max(this.#logTo ?? d.at, d.at);
      if (d.member === this.member) {
        this.#readTo = Math.max(this.#readTo ?? d.at, d.at);
        continue;
      }
      if (d.at > (this.#seen.get(d.member) ?? -1)) this.#seen.set(d.member, d.at);
    }
  }

  /**
   * Whether this member read one of its own heartbeats back: it has read what the others
   * published before it, so its member list is whole (a member that has not may be reading an
   * old backlog, and would take every run).
   */
  readBack(): boolean {
    return this.#readTo !== undefined;
  }

  members(): string[] {
    return liveMembers(this.#seen, this.#readTo ?? this.#logTo ?? this.#clock.now(), this.#ttlMs);
  }

  /** Whether this member runs `runId` now. */
  owns(runId: string): boolean {
    return ownerOf(runId, this.members()) === this.member;
  }
}
