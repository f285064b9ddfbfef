/** @module Domain events a zone emits (returned from each tick; the caller publishes them). */
import { defineEvent } from '@tickline/kernel';
import { EventType } from '@tickline/protocol';
import { z } from 'zod';

const position = {
  zoneId: z.string(),
  playerId: z.string(),
  x: z.number(),
  y: z.number(),
  tick: z.number().int(),
};

export const PlayerJoined = defineEvent({
  type: EventType.GamePlayerJoined,
  description: 'A player entered a zone at the given position.',
  schema: z.object(position),
});

export const PlayerMoved = defineEvent({
  type: EventType.GamePlayerMoved,
  description: 'The zone accepted a move; the position is authoritative.',
  schema: z.object({ ...position, seq: z.number().int() }),
});

export const PlayerLeft = defineEvent({
  type: EventType.GamePlayerLeft,
  description: 'A player left a zone (by request, disconnect or drain); the position is its last one.',
  schema: z.object({ ...position, reason: z.string() }),
});

/** Every event the zone emits, for registries. */
export const GameEvents = [PlayerJoined, PlayerMoved, PlayerLeft] as const;
