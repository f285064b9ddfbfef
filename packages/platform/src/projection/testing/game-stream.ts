/**
 * @module A deterministic game event stream for projection tests: players joining, walking and
 * leaving two zones (one player switches zones), plus account.created profiles, on a manual clock.
 */
import { PlayerJoined, PlayerLeft, PlayerMoved } from '@tickline/game';
import { AccountCreated } from '@tickline/identity';
import { createEventSource, ManualClock, type EventEnvelope } from '@tickline/kernel';

export const STREAM_START_MS = Date.parse('2026-11-22T10:00:00.000Z');
export const PLAYERS = [
  '01a20158-8c4b-767c-9f41-00000000000a',
  '01a20158-8c4b-767c-9f41-00000000000b',
  '01a20158-8c4b-767c-9f41-00000000000c',
] as const;

/** A small linear congruential generator: the same "random" walk on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The stream, in log order: about 40 events per round. */
export function gameStream(rounds = 5): EventEnvelope[] {
  const clock = new ManualClock(STREAM_START_MS);
  const zones = {
    a: createEventSource({ source: 'zone/a', clock }),
    b: createEventSource({ source: 'zone/b', clock }),
  };
  const identity = createEventSource({ source: 'identity', clock });
  const random = seededRandom(7);
  const events: EventEnvelope[] = [];
  for (const [i, userId] of PLAYERS.entries()) {
    events.push(
      identity.create(AccountCreated, {
        subject: userId,
        data: { userId, email: `player-${i}@example.com`, role: 'user', tier: 'free', method: 'password' },
      }),
    );
  }
  let tick = 0;
  for (let round = 0; round < rounds; round++) {
    // The last player plays in zone b every other round.
    const zoneOf = (p: number) => (p === 2 && round % 2 === 1 ? 'b' : 'a');
    const position = PLAYERS.map(() => ({ x: Math.round(random() * 100), y: Math.round(random() * 100) }));
    for (const [p, playerId] of PLAYERS.entries()) {
      clock.advance(5);
      const zoneId = zoneOf(p);
      events.push(
        zones[zoneId].create(PlayerJoined, {
          subject: playerId,
          partitionkey: zoneId,
          data: { zoneId, playerId, ...position[p]!, tick: ++tick },
        }),
      );
    }
    for (let step = 0; step < 10; step++) {
      for (const [p, playerId] of PLAYERS.entries()) {
        clock.advance(50);
        const zoneId = zoneOf(p);
        const at = position[p]!;
        at.x += Math.round(random() * 4 - 2);
        at.y += Math.round(random() * 4 - 2);
        events.push(
          zones[zoneId].create(PlayerMoved, {
            subject: playerId,
            partitionkey: zoneId,
            data: { zoneId, playerId, ...at, tick: ++tick, seq: step + 1 },
          }),
        );
      }
    }
    // The first player stays online after the last round.
    for (const [p, playerId] of PLAYERS.entries()) {
      if (p === 0 && round === rounds - 1) continue;
      clock.advance(5);
      const zoneId = zoneOf(p);
      events.push(
        zones[zoneId].create(PlayerLeft, {
          subject: playerId,
          partitionkey: zoneId,
          data: { zoneId, playerId, ...position[p]!, tick: ++tick, reason: 'request' },
        }),
      );
    }
    clock.advance(60_000);
  }
  return events;
}

/** Splits events into batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
