/**
 * @module Runner membership through the event log: each runner process publishes
 * `strategy.runner.heartbeat` every `heartbeatMs` and reads everyone's (its candle consumer sees
 * them on the same log); `owns(runId)` is true when this member wins the rendezvous over the
 * members heard from within `ttlMs` (see assignment.ts). A stopped process drops out after the
 * ttl and its runs move to the others; a restarted one takes its share back.
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
      if (d.at > (this.#seen.get(d.member) ?? -1)) this.#seen.set(d.member, d.at);
    }
  }

  members(): string[] {
    return liveMembers(this.#seen, this.#clock.now(), this.#ttlMs);
  }

  /** Whether this member runs `runId` now. */
  owns(runId: string): boolean {
    return ownerOf(runId, this.members()) === this.member;
  }
}
