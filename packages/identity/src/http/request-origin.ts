/** @module The origin of an HTTP request, as identity's sign-in throttle and sessions use it. */
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../sign-ins/new-sign-in.ts';

/**
 * The client address (`request.ip`: the socket's peer, or the nearest untrusted hop of
 * `X-Forwarded-For` when `http.trustProxy` trusts the proxies in between — a client cannot name
 * its own address past them) and the user agent.
 */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { address: request.ip, ...(userAgent ? { userAgent } : {}) };
}
