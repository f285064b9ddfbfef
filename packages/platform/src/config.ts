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
});

export type PlatformSettings = DeepReadonly<z.output<typeof PlatformSchema>>;

/** The `platform` section of the Tickline config. */
export const platformConfig = { key: 'platform', schema: PlatformSchema.prefault({}) } as const;

/** The platform tables' migrations (versions unique across all modules). */
export const PLATFORM_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
