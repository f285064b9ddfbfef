/**
 * @module The rate limiter as configured: Redis when `redis.url` is set (gateways share each
 * budget), else process memory; off when `http.rateLimit.enabled` is false.
 *
 * @example
 * const rateLimit = createConfiguredRateLimiter(config, {
 *   logger, metrics, tiers: resolveTierTable(), principal: (request) => authenticateRequest(identity, request),
 * });
 * if (rateLimit) await scope.register(rateLimitPlugin, { limiter: rateLimit.limiter });
 * // on shutdown: await rateLimit?.close();
 */
import type { Logger, Registry } from '@tickline/kernel';
import type { RateLimitRule } from './gcra.ts';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.ts';
import { createRedisRateLimitStore } from './redis-rate-limit-store.ts';
import type { RateLimitStore } from './rate-limit-store.ts';
import { createRateLimiter, type RateLimiter, type ResolveRateLimitPrincipal } from './rate-limiter.ts';

/** The `redis` section of the config. */
export interface RedisSettings {
  url?: string | undefined;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** The config slices the limiter reads. */
export interface RateLimitSettings {
  http: { rateLimit: { enabled: boolean; anonymous: RateLimitRule } };
  redis: RedisSettings;
}

export interface ConfiguredRateLimiterDeps {
  logger: Logger;
  metrics: Registry;
  /** Budgets by tier: identity's `resolveTierTable(config overrides)`. */
  tiers: Readonly<Record<string, RateLimitRule>>;
  /** identity's `authenticateRequest` bound to the service. */
  principal: ResolveRateLimitPrincipal;
}

export interface ConfiguredRateLimiter {
  limiter: RateLimiter;
  store: RateLimitStore;
  close(): Promise<void>;
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

/** Undefined when rate limiting is switched off. */
export function createConfiguredRateLimiter(
  config: RateLimitSettings,
  deps: ConfiguredRateLimiterDeps,
): ConfiguredRateLimiter | undefined {
  if (!config.http.rateLimit.enabled) return undefined;
  const store = createRateLimitStoreFor(config.redis, deps.logger);
  const limiter = createRateLimiter({
    store,
    principal: deps.principal,
    tiers: deps.tiers,
    anonymous: config.http.rateLimit.anonymous,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return { limiter, store, close: () => store.close() };
}
