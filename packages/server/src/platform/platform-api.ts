/**
 * @module The operations API mounted under `/api/v1` in a scope of its own — so a `platform`
 * process, which serves no other `/api/v1` routes, has it too — with the same rate limit and
 * no-store policy as the rest of the API.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../api/api-routes.ts';
import { rateLimitPlugin } from '../http/plugins/rate-limit/rate-limit-plugin.ts';
import type { RateLimiter } from '../http/plugins/rate-limit/rate-limiter.ts';
import { registerAdminPlayerRoutes } from './admin-player-routes.ts';
import { registerAdminStreamRoutes, type AdminRoutesOptions } from './admin-stream-routes.ts';
import { registerAdminZoneRoutes } from './admin-zone-routes.ts';

/** Options for {@link registerPlatformApi}. */
export interface PlatformApiOptions extends AdminRoutesOptions {
  /** Absent when rate limiting is off. */
  limiter: RateLimiter | undefined;
}

/** Registers `/api/v1/admin/{streams,dead-letters,players,zones,broadcast,audit}`. */
export async function registerPlatformApi(app: FastifyInstance, options: PlatformApiOptions): Promise<void> {
  await app.register(
    async function platformApi(scope) {
      if (options.limiter) await scope.register(rateLimitPlugin, { limiter: options.limiter });
      // Answers carry player data and operator actions: no cache may keep them.
      scope.addHook('onRequest', async function noStore(_request, reply) {
        void reply.header('cache-control', 'no-store');
      });
      registerAdminStreamRoutes(scope, options);
      registerAdminPlayerRoutes(scope, options);
      registerAdminZoneRoutes(scope, options);
    },
    { prefix: API_PREFIX },
  );
}
