/**
 * @module zod schemas of the operations API (`/api/v1/admin/...`): inputs are validated with
 * these; responses are the wire contract in @tickline/protocol (the dashboard reads it too), and
 * both appear in the OpenAPI document.
 */
import { z } from 'zod';

export {
  StreamsSchema,
  DeadLetterPageSchema,
  RetriedSchema,
  NoContentSchema,
  PlayerListSchema,
  PlayerDetailSchema,
  MovementsSchema,
  ZonesSchema,
  SnapshotListSchema,
  SnapshotTakenSchema,
  RestoredSchema,
  BroadcastResultSchema,
  DrainedSchema,
  HandedOffSchema,
  AuditPageSchema,
  AdminLiveStrategiesSchema,
  AdminLivePausedSchema,
  AdminPauseLiveBodySchema,
} from '@tickline/protocol';

const Time = z.iso.datetime().describe('RFC 3339');

export const OffsetParamsSchema = z.object({ offset: z.coerce.number().int().positive() });
export const PlayerParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const ZoneParamsSchema = z.object({ zoneId: z.string().min(1).max(200) });
/** A live run's id is `{portfolioId}:{strategyId}`. */
export const LiveRunParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const SnapshotParamsSchema = ZoneParamsSchema.extend({ snapshotId: z.string().min(1).max(200) });

const Limit = (max: number) => z.coerce.number().int().min(1).max(max).optional();

export const DeadLetterQuerySchema = z.object({
  from: z.coerce.number().int().min(1).optional().describe('First offset of the dead-letter log to scan'),
  limit: Limit(1_000).describe('Records scanned (default 100)'),
  consumer: z.string().min(1).optional(),
  status: z.enum(['open', 'retried', 'discarded']).optional(),
});
export const DiscardInputSchema = z.strictObject({ reason: z.string().max(500).optional() });
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
// Strict: a field these commands do not know is a mistake to say, not one to drop in silence.
export const BroadcastInputSchema = z.strictObject({
  level: z.enum(['info', 'warn']).default('info'),
  text: z.string().min(1).max(500),
  zoneId: z.string().min(1).max(200).optional().describe('Only this zone; every zone when absent'),
});
export const DrainInputSchema = z.strictObject({
  message: z.string().min(1).max(500).default('This zone is closing for maintenance.'),
});
