/**
 * @module Routes: OIDC sign-in. `start` redirects the browser to the provider (or answers JSON
 * with `?format=json` for SPAs that navigate themselves); the provider redirects back to
 * `callback`, which answers the sign-in result as JSON.
 */
import type { FastifyInstance } from 'fastify';
import { IdentityError } from '../errors.ts';
import type { IdentityService } from '../service/identity-service.ts';

export function registerOidcRoutes(app: FastifyInstance, service: IdentityService): void {
  app.get('/auth/oidc/providers', async () => ({ providers: service.oidcProviders() }));
  app.get('/auth/oidc/:provider/start', async (request, reply) => {
    const { format, ...query } = request.query as Record<string, string>;
    const started = await service.startOidcSignIn((request.params as { provider: string }).provider, query);
    if (format === 'json') return started;
    return reply.redirect(started.authorizationUrl, 302);
  });
  app.get('/auth/oidc/:provider/callback', async (request) => {
    const search = request.url.split('?')[1];
    if (search === undefined)
      throw new IdentityError('AUTH_OIDC_STATE_INVALID', 'callback without parameters');
    return service.completeOidcSignIn((request.params as { provider: string }).provider, search);
  });
}
