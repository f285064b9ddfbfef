/**
 * @module The identity HTTP API as one encapsulated Fastify plugin with its zod schemas inline
 * (they validate each request before the service sees it and describe the routes in the OpenAPI
 * document). The server registers it under `/api/v1`; errors are thrown as TicklineErrors for the
 * server's error handler to shape.
 *
 * @example
 * await app.register(identityRoutes, { prefix: '/api/v1', service: identity });
 */
import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { IdentityService } from '../service/identity-service.ts';
import { adminRoutes } from './admin-routes.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { retryAfterHook } from './authenticate.ts';
import { oidcRoutes } from './oidc-routes.ts';

export { authenticateRequest, requireAuthentication, principalOf } from './authenticate.ts';

/** Options of {@link identityRoutes}. */
export interface IdentityRoutesOptions {
  service: IdentityService;
  /** Mount the OIDC routes. @default true */
  oidc?: boolean;
  /**
   * Whether the cookies these routes set (the OIDC state, the device token) are `Secure`: true when the public URL
   * is https (the server derives it from `http.publicUrl`, else from serving TLS itself), never
   * from the request's protocol. @default false
   */
  secureCookies?: boolean;
  /**
   * Verification links go out by mail (SMTP configured), so no admin reads one through the API.
   * @default true
   */
  mailsVerificationLinks?: boolean;
}

/** Registers every identity route on an encapsulated instance. */
export async function identityRoutes(app: FastifyInstance, options: IdentityRoutesOptions): Promise<void> {
  // Set here too, inside the plugin's own scope: hosts other than the server (the SDK's test API,
  // identity's route tests) mount it on a bare Fastify whose default compilers cannot read zod.
  // Responses are documented, not re-checked, as in the server (JSON.stringify).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  app.addHook('onError', retryAfterHook);
  await app.register(
    authRoutes(options.service, options.mailsVerificationLinks ?? true, options.secureCookies ?? false),
  );
  await app.register(apiKeyRoutes(options.service));
  await app.register(adminRoutes(options.service, options.mailsVerificationLinks ?? true));
  if (options.oidc ?? true)
    await app.register(oidcRoutes(options.service, { secureCookies: options.secureCookies ?? false }));
}
