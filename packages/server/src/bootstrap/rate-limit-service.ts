/**
 * @module Rate limits of the `/api/v1` routes as a service: the limiter from `http.rateLimit` and
 * `redis` (memory in embedded mode, Redis shared by gateways), counting each request against its
 * API key, its user's tier (identity's table, config overrides applied) or its address.
 */
import { authenticateRequest, TIERS, type IdentityService } from '@tickline/identity';
import {
  ServiceStatus,
  type Logger,
  type Registry,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import { createConfiguredRateLimiter } from '../http/plugins/rate-limit/configured-rate-limiter.ts';
import type { RateLimitRule } from '../http/plugins/rate-limit/gcra.ts';
import type { RateLimiter } from '../http/plugins/rate-limit/rate-limiter.ts';

/** The limiter as a service; `limiter` is undefined when `http.rateLimit.enabled` is off. */
export interface RateLimitService extends Service {
  readonly limiter: RateLimiter | undefined;
}

/** Builds the limiter over identity's tiers and authentication. */
export function createRateLimitService(
  config: ResolvedConfig,
  deps: { identity: IdentityService; logger: Logger; metrics: Registry },
): RateLimitService {
  const { identity } = deps;
  const tiers: Record<string, RateLimitRule> = Object.fromEntries(
    TIERS.map((tier) => [tier, identity.tierLimits(tier)]),
  );
  const configured = createConfiguredRateLimiter(config, {
    logger: deps.logger,
    metrics: deps.metrics,
    tiers,
    principal: (request) => authenticateRequest(identity, request),
  });
  let state: ServiceStatus = ServiceStatus.Up;
  return {
    name: 'rate-limit',
    limiter: configured?.limiter,
    async start() {},
    async stop() {
      state = ServiceStatus.Stopping;
      await configured?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return {
        status: state,
        info: {
          enabled: config.http.rateLimit.enabled,
          store: config.redis.url === undefined ? 'memory' : 'redis',
        },
      };
    },
  };
}
