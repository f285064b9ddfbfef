/**
 * @module The `/api/v1` scope of a process: the domain modules' route plugins the role serves,
 * each request authorized for its route's declared scope, rate limited, never cached, with the session cookie set and cleared around them. Signing out
 * everywhere also ends the caller's open streams on this gateway.
 */
import { principalOf } from '@tickline/identity';
import { isForwardedHere, type RealtimeGateway, type StreamPrincipal } from '@tickline/realtime';
import { isUpgradeClaimed } from '@tickline/kernel';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { authorizeByScope, type AuthorizeRequest } from '../http/route-scopes.ts';
import { rateLimitPlugin } from '../http/plugins/rate-limit/rate-limit-plugin.ts';
import type { RateLimiter } from '../http/plugins/rate-limit/rate-limiter.ts';
import { sessionCookieHooks } from './session-cookie.ts';

export const API_PREFIX = '/api/v1';

/** Options for {@link registerApiScope}. */
export interface ApiScopeOptions {
  /** The modules' route plugins, in start order. */
  plugins: readonly FastifyPluginAsync[];
  /** Limits every route; absent when rate limiting is off. */
  limiter: RateLimiter | undefined;
  /** The realtime gateway of this process, whose streams a sign-out everywhere ends. */
  gateway?: RealtimeGateway<StreamPrincipal> | undefined;
  /** The session cookie's `Secure` flag (the public URL's scheme). @default false */
  secureCookies?: boolean;
  /**
   * Authorizes a request for its route's declared scope (identity's `auth.authorize`); absent in a
   * process without identity, which then cannot serve a route that is not public.
   */
  authorize?: AuthorizeRequest | undefined;
}

/** Registers the scope on `app` (the root instance). */
export async function registerApiScope(app: FastifyInstance, options: ApiScopeOptions): Promise<void> {
  await app.register(
    async function api(scope) {
      // Before any route: each is authorized against the scope it declares, ahead of its own hooks.
      authorizeByScope(scope, options.authorize);
      // A request a gateway forwarded was limited there, by the caller's own address.
      // A WebSocket upgrade routed here (GraphQL's, claimed by its endpoint) opens a connection:
      // its subscriptions are counted one by one instead.
      if (options.limiter)
        await scope.register(rateLimitPlugin, {
          limiter: options.limiter,
          skip: isForwardedHere,
          connection: (request) => isUpgradeClaimed(request.raw),
        });
      // Answers carry tokens, keys, account and player data: no cache may keep them (RFC 6749 §5.1).
      scope.addHook('onRequest', async function noStore(_request, reply) {
        void reply.header('cache-control', 'no-store');
      });
      const cookies = sessionCookieHooks(options.secureCookies ?? false);
      scope.addHook('preSerialization', cookies.setSessionCookie);
      scope.addHook('onSend', cookies.clearSessionCookie);
      const gateway = options.gateway;
      if (gateway)
        scope.addHook('onResponse', async function endStreams(request, reply) {
          if (reply.statusCode < 300 && request.routeOptions.url?.endsWith('/auth/sign-out-everywhere')) {
            const { userId } = principalOf(request);
            // At once here, with the do-not-retry code; other gateways close them on their next
            // revocation check (session versions, within seconds).
            gateway.disconnect((principal) => principal.userId === userId, 'RT_SESSION_REVOKED');
          }
        });
      for (const plugin of options.plugins) await scope.register(plugin);
    },
    { prefix: API_PREFIX },
  );
}
