/**
 * @module Platform's config section `platform`: the consumer group the platform consumes game
 * events under (several platforms — tenants — can consume the same log into one database under
 * different groups), and how long the movement history is kept. Light (zod only), for help.
 */
import type { DeepReadonly } from '@tickline/kernel';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONSUMER_GROUP_PATTERN, DEFAULT_CONSUMER_GROUP } from './consumer-group.ts';

/** Days of movement history kept. */
export const DEFAULT_MOVEMENT_RETENTION_DAYS = 30;

/**
 * What the movement history (`platform_movements`) keeps of `game.player.moved`: `every` move (a
 * row per event), a `sampled` position per player and zone per `movementSampleMs` (the newest move
 * of each interval), or `none` (joins and leaves only). Joins and leaves are always kept; the
 * player's current position (`platform_players`) is written once per player per batch whatever
 * this says.
 */
export const MovementHistory = { Every: 'every', Sampled: 'sampled', None: 'none' } as const;
export type MovementHistory = (typeof MovementHistory)[keyof typeof MovementHistory];
/** The sampled history's interval: one row per player and zone per second at most. */
export const DEFAULT_MOVEMENT_SAMPLE_MS = 1_000;
/** How often the movement partitions are created ahead and expired ones dropped. */
export const PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

export const PlatformSchema = z.strictObject({
  consumerGroup: z
    .string()
    .regex(CONSUMER_GROUP_PATTERN)
    .default(DEFAULT_CONSUMER_GROUP)
    .describe(
      'Durable consumer name of the game-event projection and the key of every platform row: platforms with different groups consume the same events independently.',
    ),
  movementRetentionDays: z
    .int()
    .positive()
    .default(DEFAULT_MOVEMENT_RETENTION_DAYS)
    .describe('Days of player movement history kept (whole daily partitions are dropped past it).'),
  movementHistory: z
    .enum([MovementHistory.Every, MovementHistory.Sampled, MovementHistory.None])
    .default(MovementHistory.Every)
    .describe(
      'Moves kept in the movement history: every one (a row per game.player.moved), sampled (the newest per player and zone per movementSampleMs), or none (joins and leaves only). At 10 moves/s per player, every move is 10 rows per player per second.',
    ),
  movementSampleMs: z
    .int()
    .positive()
    .default(DEFAULT_MOVEMENT_SAMPLE_MS)
    .describe('Interval of the sampled movement history (movementHistory: sampled).'),
});

export type PlatformSettings = DeepReadonly<z.output<typeof PlatformSchema>>;

/** The `platform` section of the Tickline config. */
export const platformConfig = { key: 'platform', schema: PlatformSchema.prefault({}) } as const;

/** The platform tables' migrations (versions unique across all modules). */
export const PLATFORM_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
