/**
 * @module zod schemas of the operations API (`/api/v1/admin/...`): inputs are validated with
 * them, responses are documented with them in the OpenAPI document.
 */
import { z } from 'zod';

const Time = z.iso.datetime().describe('RFC 3339');
const Millis = z.number().describe('Milliseconds since the epoch');

export const OffsetParamsSchema = z.object({ offset: z.coerce.number().int().positive() });
export const PlayerParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const ZoneParamsSchema = z.object({ zoneId: z.string().min(1).max(200) });
export const SnapshotParamsSchema = ZoneParamsSchema.extend({ snapshotId: z.string().min(1).max(200) });

const Limit = (max: number) => z.coerce.number().int().min(1).max(max).optional();

export const DeadLetterQuerySchema = z.object({
  from: z.coerce.number().int().min(1).optional().describe('First offset of the dead-letter log to scan'),
  limit: Limit(1_000).describe('Records scanned (default 100)'),
  consumer: z.string().min(1).optional(),
  status: z.enum(['open', 'retried', 'discarded']).optional(),
});
export const DiscardInputSchema = z.object({ reason: z.string().max(500).optional() });
export const PlayerQuerySchema = z.object({
  query: z.string().max(200).optional().describe('A player id, or part of an email'),
  online: z.enum(['true', 'false']).optional(),
  limit: Limit(500),
});
export const MovementQuerySchema = z.object({
  since: Time.optional(),
  until: Time.optional().describe('Exclusive; the oldest `at` of the previous page'),
  limit: Limit(5_000),
});
export const AuditQuerySchema = z.object({
  limit: Limit(500),
  before: z.coerce.number().int().positive().optional().describe('The previous page’s `next`'),
  action: z.string().max(100).optional(),
  actorId: z.string().max(200).optional(),
});
export const BroadcastInputSchema = z.object({
  level: z.enum(['info', 'warn']).default('info'),
  text: z.string().min(1).max(500),
  zoneId: z.string().min(1).max(200).optional().describe('Only this zone; every zone when absent'),
});
export const DrainInputSchema = z.object({
  message: z.string().min(1).max(500).default('This zone is closing for maintenance.'),
});

export const StreamsSchema = z.object({
  log: z.object({
    name: z.string(),
    head: z.object({ first: z.int(), last: z.int() }),
    health: z.object({ connected: z.boolean(), detail: z.string().optional() }),
  }),
  rates: z.object({
    windowMs: z.number(),
    total: z.int(),
    perSecond: z.number(),
    byType: z.array(z.object({ type: z.string(), count: z.int(), perSecond: z.number() })),
  }),
  consumers: z.array(z.object({ name: z.string(), acked: z.int(), lag: z.int() })),
  checkpoints: z.array(
    z.object({
      consumer: z.string(),
      position: z.int(),
      lastEventId: z.string().nullable(),
      updatedAt: Time,
    }),
  ),
});

export const DeadLetterPageSchema = z.object({
  letters: z.array(
    z.object({
      offset: z.int(),
      consumer: z.string(),
      log: z.string(),
      record: z.object({
        offset: z.int(),
        id: z.string(),
        key: z.string(),
        type: z.string(),
        time: Millis,
        bytes: z.int(),
      }),
      event: z
        .record(z.string(), z.unknown())
        .nullable()
        .describe('The decoded event; null when it does not decode'),
      error: z.object({
        code: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
      attempts: z.int(),
      failedAt: Millis,
      status: z.enum(['open', 'retried', 'discarded']),
      handledBy: z.string().nullable(),
      handledAt: Time.nullable(),
    }),
  ),
  malformed: z.array(z.int()),
  next: z.int(),
});

export const RetriedSchema = z.object({ offset: z.int(), duplicate: z.boolean() });
export const NoContentSchema = z.null().describe('No content');

const PlayerSchema = z.object({
  playerId: z.string(),
  profile: z.object({ email: z.string(), role: z.string(), tier: z.string() }).nullable(),
  online: z.boolean(),
  zoneId: z.string().nullable(),
  position: z.object({ x: z.number(), y: z.number() }).nullable(),
  firstSeenAt: Time.nullable(),
  lastSeenAt: Time.nullable(),
});
export const PlayerListSchema = z.object({ players: z.array(PlayerSchema) });
export const PlayerDetailSchema = z.object({
  player: PlayerSchema,
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      zoneId: z.string(),
      joinedAt: Time.nullable(),
      leftAt: Time.nullable(),
      leftReason: z.string().nullable(),
    }),
  ),
  live: z
    .object({ zoneId: z.string(), x: z.number(), y: z.number(), tick: z.int() })
    .nullable()
    .describe('From the running zone, when this process runs it'),
});
export const MovementsSchema = z.object({
  movements: z.array(
    z.object({
      at: Time,
      eventId: z.string(),
      zoneId: z.string(),
      kind: z.enum(['joined', 'moved', 'left']),
      x: z.number(),
      y: z.number(),
      tick: z.int(),
    }),
  ),
});

export const ZonesSchema = z.object({
  zones: z.array(
    z.object({
      zoneId: z.string(),
      ccu: z.int(),
      tick: z.int(),
      tickP50Ms: z.number().nullable(),
      tickP99Ms: z.number().nullable(),
      overruns: z.int(),
      health: z.string().describe('`ok`, `paused` or `draining`'),
    }),
  ),
});
const SnapshotSchema = z.object({
  id: z.string(),
  zoneId: z.string(),
  kind: z.string(),
  tick: z.int(),
  players: z.int(),
  takenAt: Millis,
  size: z.int(),
});
export const SnapshotListSchema = z.object({ snapshots: z.array(SnapshotSchema) });
export const SnapshotTakenSchema = SnapshotSchema;
export const RestoredSchema = z.object({ snapshotId: z.string(), tick: z.int(), players: z.int() });
export const BroadcastResultSchema = z.object({ zones: z.int(), players: z.int() });
export const DrainedSchema = z.object({ playersTold: z.int() });

export const AuditPageSchema = z.object({
  entries: z.array(
    z.object({
      id: z.int(),
      at: Time,
      actor: z.object({ id: z.string(), kind: z.string() }),
      action: z.string(),
      target: z.string().optional(),
      outcome: z.enum(['ok', 'failed']),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  next: z.int().nullable(),
});
