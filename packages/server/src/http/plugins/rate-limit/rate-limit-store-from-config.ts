/** @module Picks the rate-limit store from config: Redis when `redis.url` is set, else memory. */
import type { Logger } from '@tickline/kernel';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.ts';
import { createRedisRateLimitStore } from './redis-rate-limit-store.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

/** The `redis` section of the config. */
export interface RedisSettings {
  url?: string | undefined;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** Memory in embedded mode (one gateway); Redis so that several gateways share each budget. */
export function createRateLimitStoreFor(redis: RedisSettings, logger: Logger): RateLimitStore {
  if (redis.url === undefined) return createMemoryRateLimitStore();
  return createRedisRateLimitStore({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    logger: logger.child({ component: 'rate-limit-redis' }),
  });
}
