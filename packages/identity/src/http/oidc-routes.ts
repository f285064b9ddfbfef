/**
 * @module Routes: OIDC sign-in. `start` redirects the browser to the provider (or answers JSON
 * with `?format=json` for SPAs that navigate themselves); the provider redirects back to
 * `callback`, which answers the sign-in result as JSON.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdentityError } from '../errors.ts';
import { OidcProviderParamsSchema, OidcStartQuerySchema } from '../schemas/oidc-schemas.ts';
import { SignInResultSchema } from '@tickline/protocol';
import type { IdentityService } from '../service/identity-service.ts';

const TAGS = ['auth'];

export function oidcRoutes(service: IdentityService): FastifyPluginAsyncZod {
  return async function oidc(app) {
    app.get(
      '/auth/oidc/providers',
      {
        schema: {
          summary: 'Configured OpenID Connect providers',
          tags: TAGS,
          response: { 200: z.object({ providers: z.array(z.object({ id: z.string(), name: z.string() })) }) },
        },
      },
      async () => ({ providers: service.oidcProviders() }),
    );
    app.get(
      '/auth/oidc/:provider/start',
      {
        schema: {
          summary: 'Start OIDC sign-in: redirects to the provider, or answers JSON with format=json',
          tags: TAGS,
          params: OidcProviderParamsSchema,
          querystring: OidcStartQuerySchema.extend({ format: z.enum(['json']).optional() }),
          response: {
            200: z.object({ authorizationUrl: z.url(), state: z.string(), expiresAt: z.iso.datetime() }),
            302: z.null().describe('Redirect to the provider'),
          },
        },
      },
      async (request, reply) => {
        const { format, ...query } = request.query;
        const started = await service.startOidcSignIn(request.params.provider, query);
        if (format === 'json') return started;
        return reply.redirect(started.authorizationUrl, 302);
      },
    );
    app.get(
      '/auth/oidc/:provider/callback',
      {
        schema: {
          summary: "The provider's redirect back; completes sign-in",
          tags: TAGS,
          params: OidcProviderParamsSchema,
          // Whatever the provider sends (code, state, iss, error…) is checked by the OIDC client.
          querystring: z.looseObject({ code: z.string().optional(), state: z.string().optional() }),
          response: { 200: SignInResultSchema.and(z.object({ returnTo: z.string().nullable() })) },
        },
      },
      async (request) => {
        const search = request.url.split('?')[1];
        if (search === undefined)
          throw new IdentityError('AUTH_OIDC_STATE_INVALID', 'callback without parameters');
        return service.completeOidcSignIn(request.params.provider, search);
      },
    );
  };
}
