/** @module Request authentication for Fastify routes: a preHandler and a way to read the result. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTooManyAttemptsError } from '../errors.ts';
import type { IdentityService } from '../service/identity-service.ts';
import type { Principal } from '../service/principal.ts';

const principals = new WeakMap<FastifyRequest, Principal>();

/** Authenticates from `Authorization: Bearer …` or `X-API-Key`. Throws AUTH_* errors. */
export async function authenticateRequest(
  service: IdentityService,
  request: FastifyRequest,
): Promise<Principal> {
  const xApiKey = request.headers['x-api-key'];
  return service.authenticate(request.headers.authorization, Array.isArray(xApiKey) ? xApiKey[0] : xApiKey);
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
  if (isTooManyAttemptsError(error)) {
    const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (seconds !== undefined) reply.header('retry-after', String(seconds));
  }
}
