/**
 * @module The operations API on the wire (`/api/v1/admin/...`, admins only): response schemas (the
 * gateway documents its responses with them; the dashboard reads their types) and the data of the
 * live admin channels.
 */
import { z } from 'zod';

const Time = z.iso.datetime().describe('RFC 3339');
const Millis = z.number().describe('Milliseconds since the epoch');

/** A dead letter's state. */
export const DeadLetterStatusSchema = z.enum(['open', 'retried', 'discarded']);

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
      status: DeadLetterStatusSchema,
      handledBy: z.string().nullable(),
      handledAt: Time.nullable(),
    }),
  ),
  malformed: z.array(z.int()),
  next: z.int(),
});

export const RetriedSchema = z.object({ offset: z.int(), duplicate: z.boolean() });
export const NoContentSchema = z.null().describe('No content');

export const PlayerSchema = z.object({
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
export const AdminSnapshotSchema = z.object({
  id: z.string(),
  zoneId: z.string(),
  kind: z.string(),
  tick: z.int(),
  players: z.int(),
  takenAt: Millis,
  size: z.int(),
});
export const SnapshotListSchema = z.object({ snapshots: z.array(AdminSnapshotSchema) });
export const SnapshotTakenSchema = AdminSnapshotSchema;
export const RestoredSchema = z.object({ snapshotId: z.string(), tick: z.int(), players: z.int() });
export const BroadcastResultSchema = z.object({ zones: z.int(), players: z.int() });
export const DrainedSchema = z.object({ playersTold: z.int() });
/** A zone moved to another game process: `to` is null when no peer took it within the wait. */
export const HandedOffSchema = z.object({
  playersTold: z.int(),
  snapshotId: z.string(),
  from: z.string(),
  to: z.string().nullable(),
});

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

export type Streams = z.infer<typeof StreamsSchema>;
export type DeadLetterPage = z.infer<typeof DeadLetterPageSchema>;
export type DeadLetter = DeadLetterPage['letters'][number];
export type Player = z.infer<typeof PlayerSchema>;
export type PlayerList = z.infer<typeof PlayerListSchema>;
export type PlayerDetail = z.infer<typeof PlayerDetailSchema>;
export type Movements = z.infer<typeof MovementsSchema>;
export type Zones = z.infer<typeof ZonesSchema>;
/** One zone on `admin:zones` and in `GET /api/v1/admin/zones`. */
export type ZoneStatus = Zones['zones'][number];
export type AdminSnapshot = z.infer<typeof AdminSnapshotSchema>;
export type SnapshotList = z.infer<typeof SnapshotListSchema>;
export type Restored = z.infer<typeof RestoredSchema>;
export type BroadcastResult = z.infer<typeof BroadcastResultSchema>;
export type Drained = z.infer<typeof DrainedSchema>;
export type HandedOff = z.infer<typeof HandedOffSchema>;
export type AuditPage = z.infer<typeof AuditPageSchema>;
export type AuditEntry = AuditPage['entries'][number];
