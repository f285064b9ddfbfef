/** @module Request authentication for Fastify routes: a preHandler and a way to read the result. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIdentityBusyError, isTooManyAttemptsError } from '../errors.ts';
import type { IdentityService } from '../service/identity-service.ts';
import type { Principal } from '../service/principal.ts';

const principals = new WeakMap<FastifyRequest, Principal>();
// One verification per request: the gateway's rate limiter and the route's preHandler both ask,
// and an API key costs a hash and a lookup. Failures are shared too, so both see the same error.
const pending = new WeakMap<FastifyRequest, Promise<Principal>>();

/** Authenticates from `Authorization: Bearer …` or `X-API-Key`, once per request. Throws AUTH_* errors. */
export function authenticateRequest(service: IdentityService, request: FastifyRequest): Promise<Principal> {
  let result = pending.get(request);
  if (!result) {
    const xApiKey = request.headers['x-api-key'];
    result = service.authenticate(
      request.headers.authorization,
      Array.isArray(xApiKey) ? xApiKey[0] : xApiKey,
    );
    pending.set(request, result);
  }
  return result;
}

/** A preHandler that authenticates and keeps the principal for {@link principalOf}. */
export function requireAuthentication(service: IdentityService) {
  return async function requireAuthenticationHook(request: FastifyRequest): Promise<void> {
    principals.set(request, await authenticateRequest(service, request));
  };
}

/** The principal set by {@link requireAuthentication}. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('route is missing the requireAuthentication preHandler');
  return principal;
}

/** Adds `Retry-After` to throttled responses (the server's error handler writes the body). */
export async function retryAfterHook(
  _request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): Promise<void> {
  if (isTooManyAttemptsError(error) || isIdentityBusyError(error)) {
    const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (seconds !== undefined) reply.header('retry-after', String(seconds));
  }
}
