/**
 * @module Config section `platform`: the consumer group the platform consumes game events under
 * (several platforms — tenants — can consume the same log into one database under different
 * groups), and how long the movement history is kept. Defaults of the platform package are copied
 * here (checked by `platform-config.test.ts`) so that printing help does not load it.
 */
import { z } from 'zod';

/** platform `DEFAULT_CONSUMER_GROUP` */
export const PLATFORM_CONSUMER_GROUP = 'platform';
/** platform `CONSUMER_GROUP_PATTERN` */
export const PLATFORM_CONSUMER_GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** platform `DEFAULT_MOVEMENT_RETENTION_DAYS` */
export const PLATFORM_MOVEMENT_RETENTION_DAYS = 30;
/** How often the movement partitions are created ahead and expired ones dropped. */
export const PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS = 60 * 60_000;

export const PlatformSchema = z.strictObject({
  consumerGroup: z
    .string()
    .regex(PLATFORM_CONSUMER_GROUP_PATTERN)
    .default(PLATFORM_CONSUMER_GROUP)
    .describe(
      'Durable consumer name of the game-event projection and the key of every platform row: platforms with different groups consume the same events independently.',
    ),
  movementRetentionDays: z
    .int()
    .positive()
    .default(PLATFORM_MOVEMENT_RETENTION_DAYS)
    .describe('Days of player movement history kept (whole daily partitions are dropped past it).'),
});
