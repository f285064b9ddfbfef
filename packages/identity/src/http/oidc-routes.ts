/**
 * @module Routes: OIDC sign-in. `start` redirects the browser to the provider (or answers JSON
 * with `?format=json` for SPAs that navigate themselves); the provider redirects back to
 * `callback`, which answers the sign-in result as JSON.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdentityError } from '../errors.ts';
import { OidcProviderParamsSchema, OidcStartQuerySchema } from '../schemas/oidc-schemas.ts';
import { SignInResultSchema, RouteAccess } from '@tickline/protocol';
import type { IdentityService } from '../service/identity-service.ts';
import { cookieValue, requestOrigin } from './request-origin.ts';

const TAGS = ['auth'];
/** Holds the state of the sign-in this browser started (HttpOnly, for the callback only). */
export const OIDC_STATE_COOKIE = 'tickline_oidc_state';

function stateCookie(header: string | undefined): string | undefined {
  return cookieValue(header, OIDC_STATE_COOKIE);
}

/** Options of {@link oidcRoutes}. */
export interface OidcRoutesOptions {
  /** Set the state cookie `Secure` (see {@link IdentityRoutesOptions.secureCookies}). @default false */
  secureCookies?: boolean;
}

export function oidcRoutes(service: IdentityService, options: OidcRoutesOptions = {}): FastifyPluginAsyncZod {
  // Behind a TLS-ending proxy every request arrives as plain HTTP, and X-Forwarded-Proto is only
  // as true as the proxy settings: the deployment's public URL decides, once.
  const secure = options.secureCookies === true ? '; Secure' : '';
  return async function oidc(app) {
    app.get(
      '/auth/oidc/providers',
      {
        config: { scope: RouteAccess.Public },
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
        config: { scope: RouteAccess.Public },
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
        // Binds the flow to this browser: the callback must come with the same state.
        const path = `${request.url.slice(0, request.url.indexOf('/auth/oidc/'))}/auth/oidc`;
        const maxAge = Math.max(1, Math.floor((Date.parse(started.expiresAt) - Date.now()) / 1000));
        void reply.header(
          'set-cookie',
          `${OIDC_STATE_COOKIE}=${started.state}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`,
        );
        if (format === 'json') return started;
        return reply.redirect(started.authorizationUrl, 302);
      },
    );
    app.get(
      '/auth/oidc/:provider/callback',
      {
        config: { scope: RouteAccess.Public },
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
        return service.completeOidcSignIn(
          request.params.provider,
          search,
          stateCookie(request.headers.cookie) ?? null,
          requestOrigin(request),
        );
      },
    );
  };
}
