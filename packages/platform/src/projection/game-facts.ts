/**
 * @module What the projection reads from a batch: game.player.* events as position facts, and
 * account.created as profiles. Pure, so the ordering rules are testable without a database.
 */
import { AccountCreated, type AccountCreatedData } from '@tickline/identity';
import { PlayerJoined, PlayerLeft, PlayerMoved } from '@tickline/game';
import type { EventEnvelope } from '@tickline/kernel';

/** The three game events as one shape. */
export const MovementKind = { Joined: 'joined', Moved: 'moved', Left: 'left' } as const;
export type MovementKind = (typeof MovementKind)[keyof typeof MovementKind];

const KIND_BY_TYPE: Readonly<Record<string, MovementKind>> = {
  [PlayerJoined.type]: MovementKind.Joined,
  [PlayerMoved.type]: MovementKind.Moved,
  [PlayerLeft.type]: MovementKind.Left,
};

/** The types the platform projects; other events in the log are not its business. */
export const PLATFORM_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(KIND_BY_TYPE),
  AccountCreated.type,
]);

/** One game event's position. `at` is the event time (ms); `seq` the zone's event sequence. */
export interface PositionFact {
  eventId: string;
  kind: MovementKind;
  playerId: string;
  zoneId: string;
  x: number;
  y: number;
  tick: number;
  at: number;
  seq: number;
  reason?: string;
}

/** A player's profile from account.created (the player id is the user id). */
export interface ProfileFact {
  playerId: string;
  profile: { email: string; role: string; tier: string };
}

interface PositionData {
  zoneId: string;
  playerId: string;
  x: number;
  y: number;
  tick: number;
  reason?: string;
}

/** The position facts of a batch, in batch order; other events are skipped. */
export function positionFacts(events: readonly EventEnvelope[]): PositionFact[] {
  const facts: PositionFact[] = [];
  for (const event of events) {
    const kind = KIND_BY_TYPE[event.type];
    if (!kind) continue;
    const data = event.data as PositionData;
    facts.push({
      eventId: event.id,
      kind,
      playerId: data.playerId,
      zoneId: data.zoneId,
      x: data.x,
      y: data.y,
      tick: data.tick,
      at: Date.parse(event.time),
      seq: event.seq,
      ...(kind === MovementKind.Left ? { reason: data.reason ?? '' } : {}),
    });
  }
  return facts;
}

/** The profile facts of a batch; a later account.created of the same user wins. */
export function profileFacts(events: readonly EventEnvelope[]): ProfileFact[] {
  const byPlayer = new Map<string, ProfileFact>();
  for (const event of events) {
    if (event.type !== AccountCreated.type) continue;
    const { userId, email, role, tier } = event.data as AccountCreatedData;
    byPlayer.set(userId, { playerId: userId, profile: { email, role, tier } });
  }
  return [...byPlayer.values()];
}

/**
 * Whether `a` happened after `b`: by event time, then by the zone's seq. Seqs of different zones
 * do not compare, but two events of one player at the same millisecond in two zones are rare and
 * either order is a state the player was in.
 */
export function isNewer(a: Pick<PositionFact, 'at' | 'seq'>, b: Pick<PositionFact, 'at' | 'seq'>): boolean {
  return a.at > b.at || (a.at === b.at && a.seq > b.seq);
}

/** Per player: the newest fact of the batch, and the earliest and latest times seen. */
export interface PlayerStateWrite {
  latest: PositionFact;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Reduces a batch to one write per player (an upsert may touch each row once per statement). */
export function playerStateWrites(facts: readonly PositionFact[]): PlayerStateWrite[] {
  const byPlayer = new Map<string, PlayerStateWrite>();
  for (const fact of facts) {
    const write = byPlayer.get(fact.playerId);
    if (!write) {
      byPlayer.set(fact.playerId, { latest: fact, firstSeenAt: fact.at, lastSeenAt: fact.at });
      continue;
    }
    if (isNewer(fact, write.latest)) write.latest = fact;
    write.firstSeenAt = Math.min(write.firstSeenAt, fact.at);
    write.lastSeenAt = Math.max(write.lastSeenAt, fact.at);
  }
  return [...byPlayer.values()];
}
