/**
 * @module What every trading route plugin shares: each route declares its scope (`config.scope`),
 * which the gateway authorizes before the input is read, and the same declaration names the caller
 * here; coded errors answer with their catalogue status in the API's error shape
 * (`{ error: { code, message, details } }`, which the SDK parses), zod failures with 400.
 */
import { listErrorCodes, TicklineError } from '@tickline/kernel';
import type { ApiKeyScope } from '@tickline/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveCaller } from './live-options.ts';

/**
 * Authenticates each route's caller with the route's declared scope (refusing to register a route
 * that declares none) and returns how a handler reads that caller.
 */
export function declaredCallers(
  fastify: FastifyInstance,
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>,
): (request: FastifyRequest) => Promise<LiveCaller> {
  const callers = new WeakMap<FastifyRequest, LiveCaller>();
  fastify.addHook('onRoute', (route) => {
    const scope = (route.config as { scope?: ApiKeyScope } | undefined)?.scope;
    if (scope === undefined) throw new Error(`${String(route.method)} ${route.url} declares no scope`);
    const identify = async (request: FastifyRequest) => {
      callers.set(request, await authenticate(request, scope));
    };
    const existing = route.preValidation;
    route.preValidation = [identify, ...(existing === undefined ? [] : [existing].flat())];
  });
  /** The caller the route's own preValidation authenticated. */
  return async (request) => callers.get(request)!;
}

/** Answers coded errors with their catalogue status (the catalogues must be loaded first). */
export function answerCodedErrors(fastify: FastifyInstance): void {
  const statusOf = new Map(listErrorCodes().map((c) => [c.code, c.httpStatus]));
  fastify.setErrorHandler((error: unknown, _request, reply) => {
    const e = error as { code?: string; message?: string; validation?: unknown; statusCode?: number };
    const send = (status: number, code: string, message: string, details?: unknown) =>
      reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
    if (e.validation !== undefined)
      return send(400, 'HTTP_BAD_REQUEST', e.message ?? 'invalid request', { issues: e.validation });
    if (error instanceof TicklineError)
      return send(statusOf.get(error.code) ?? 500, error.code, error.message, error.details);
    return send(e.statusCode ?? 500, e.code ?? 'HTTP_INTERNAL', e.message ?? 'request failed');
  });
}
