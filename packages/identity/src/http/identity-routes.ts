/**
 * @module The identity HTTP API as one Fastify plugin. The server registers it under `/api/v1`;
 * errors are thrown as TicklineErrors for the server's error handler to shape.
 *
 * @example
 * await app.register(identityRoutes, { prefix: '/api/v1', service: identity });
 */
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../service/identity-service.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerApiKeyRoutes } from './api-key-routes.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { retryAfterHook } from './authenticate.ts';
import { registerOidcRoutes } from './oidc-routes.ts';

export { authenticateRequest, requireAuthentication, principalOf } from './authenticate.ts';

/** Options of {@link identityRoutes}. */
export interface IdentityRoutesOptions {
  service: IdentityService;
  /** Mount the OIDC routes. @default true */
  oidc?: boolean;
}

/** Registers every identity route on an encapsulated instance. */
export async function identityRoutes(app: FastifyInstance, options: IdentityRoutesOptions): Promise<void> {
  app.addHook('onError', retryAfterHook);
  registerAuthRoutes(app, options.service);
  registerApiKeyRoutes(app, options.service);
  registerAdminRoutes(app, options.service);
  if (options.oidc ?? true) registerOidcRoutes(app, options.service);
}
