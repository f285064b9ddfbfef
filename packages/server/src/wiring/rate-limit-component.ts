/**
 * @module Rate limits of the `/api/v1` routes as a service: the limiter from `http.rateLimit` and
 * `redis` (memory in embedded mode, Redis shared by gateways), counting each request against its
 * API key, its user's tier (identity's table, config overrides applied) or its address.
 */
import { authenticateRequest, TIERS } from '@tickline/identity';
import { ServiceStatus, type Registry, type Service, type ServiceHealth } from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import {
  createConfiguredRateLimiter,
  type ConfiguredRateLimiter,
} from '../http/plugins/rate-limit/configured-rate-limiter.ts';
import type { RateLimitRule } from '../http/plugins/rate-limit/gcra.ts';
import type { RateLimiter } from '../http/plugins/rate-limit/rate-limiter.ts';
import type { IdentityComponent } from './identity-component.ts';

/** The limiter once started; undefined when `http.rateLimit.enabled` is off. */
export interface RateLimitComponent extends Service {
  readonly limiter: RateLimiter | undefined;
}

export function createRateLimitComponent(options: {
  config: ResolvedConfig;
  metrics: Registry;
  /** Started before this component. */
  identity: IdentityComponent;
}): RateLimitComponent {
  let configured: ConfiguredRateLimiter | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'rate-limit',
    get limiter() {
      return configured?.limiter;
    },
    async start(context) {
      const identity = options.identity.identity;
      const tiers: Record<string, RateLimitRule> = Object.fromEntries(
        TIERS.map((tier) => [tier, identity.tierLimits(tier)]),
      );
      configured = createConfiguredRateLimiter(options.config, {
        logger: context.logger,
        metrics: options.metrics,
        tiers,
        principal: (request) => authenticateRequest(identity, request),
      });
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await configured?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return {
        status: state,
        info: {
          enabled: options.config.http.rateLimit.enabled,
          store: options.config.redis.url === undefined ? 'memory' : 'redis',
        },
      };
    },
  };
}
