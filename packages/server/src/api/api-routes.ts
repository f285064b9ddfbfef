/**
 * @module The `/api/v1` routes of a gateway: identity's (sign-up, sign-in, refresh, sign-out, 2FA,
 * API keys, admin, OIDC), accounts, and stream tickets, rate limited, with the session cookie set
 * and cleared around them; plus the SSE and WebSocket endpoints of the real-time gateway (limited
 * by the gateway's own connection bounds instead).
 */
import { identityRoutes, principalOf, type IdentityService } from '@tickline/identity';
import { realtimeRoutes, type RealtimeGateway, type StreamTicketIssuer } from '@tickline/realtime';
import type { SqlQueryable } from '@tickline/store';
import type { FastifyInstance } from 'fastify';
import { rateLimitPlugin } from '../http/plugins/rate-limit/rate-limit-plugin.ts';
import { registerMarketRoutes, type MarketRoutesOptions } from '../market/market-routes.ts';
import type { RateLimiter } from '../http/plugins/rate-limit/rate-limiter.ts';
import { registerGameRoutes, type GameRoutesOptions } from '../game/game-routes.ts';
import { registerAccountRoutes } from './accounts-routes.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';
import type { StreamPrincipal } from './stream-auth.ts';
import { registerStreamTicketRoutes } from './stream-routes.ts';

export const API_PREFIX = '/api/v1';

/** What the routes are built on (read when the HTTP server starts, after the components). */
export interface ApiRoutesOptions {
  identity: IdentityService;
  sql: () => SqlQueryable;
  tickets: () => StreamTicketIssuer;
  ticketTtlMs: number;
  gateway: RealtimeGateway<StreamPrincipal>;
  /** Limits every `/api/v1` route; absent when rate limiting is off. */
  limiter: RateLimiter | undefined;
  /** The game join routes, where zones run. */
  game?: GameRoutesOptions;
  /** The market routes, where market data runs. */
  market?: MarketRoutesOptions;
}

/** Registers everything on `app` (the root instance). */
export async function registerApiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  await app.register(
    async function api(scope) {
      if (options.limiter) await scope.register(rateLimitPlugin, { limiter: options.limiter });
      // Answers carry tokens, keys and account data: no cache may keep them (RFC 6749 §5.1).
      scope.addHook('onRequest', async function noStore(_request, reply) {
        void reply.header('cache-control', 'no-store');
      });
      scope.addHook('preSerialization', setSessionCookie);
      scope.addHook('onSend', clearSessionCookie);
      // Signing out everywhere also ends this gateway's open streams of the user.
      scope.addHook('onResponse', async function endStreams(request, reply) {
        if (reply.statusCode < 300 && request.routeOptions.url?.endsWith('/auth/sign-out-everywhere')) {
          const { userId } = principalOf(request);
          options.gateway.disconnect((principal) => principal.userId === userId);
        }
      });
      await scope.register(identityRoutes, { service: options.identity });
      registerAccountRoutes(scope, { identity: options.identity, sql: options.sql });
      registerStreamTicketRoutes(scope, options);
      if (options.game) registerGameRoutes(scope, options.game);
      if (options.market) registerMarketRoutes(scope, options.market);
    },
    { prefix: API_PREFIX },
  );
  await app.register(realtimeRoutes, { gateway: options.gateway });
}
