/**
 * @module What every trading route plugin shares: each route declares its scope (`config.scope`),
 * which the gateway authorizes before the input is read, and the same declaration names the caller
 * here. Errors are answered by the gateway's error handler, as for every other route (one shape,
 * one set of codes); the plugins set none of their own.
 */
import { RouteAccess, type ApiKeyScope } from '@tickline/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveCaller } from './live-options.ts';

/**
 * Authenticates each route's caller with the route's declared scope (refusing to register a route
 * that declares none) and returns how a handler reads that caller. A public route (Telegram's
 * webhook, which checks its own secret) has no caller and is left alone.
 */
export function declaredCallers(
  fastify: FastifyInstance,
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>,
): (request: FastifyRequest) => Promise<LiveCaller> {
  const callers = new WeakMap<FastifyRequest, LiveCaller>();
  fastify.addHook('onRoute', (route) => {
    const scope = (route.config as { scope?: ApiKeyScope } | undefined)?.scope;
    if (scope === undefined) throw new Error(`${String(route.method)} ${route.url} declares no scope`);
    if ((scope as string) === RouteAccess.Public) return;
    const identify = async (request: FastifyRequest) => {
      callers.set(request, await authenticate(request, scope));
    };
    const existing = route.preValidation;
    route.preValidation = [identify, ...(existing === undefined ? [] : [existing].flat())];
  });
  /** The caller the route's own preValidation authenticated. */
  return async (request) => callers.get(request)!;
}
