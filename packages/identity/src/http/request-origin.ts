/** @module The origin of an HTTP request, as identity's sign-in throttle and sessions use it. */
import type { FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, DEVICE_TOKEN_TTL_MS } from '../sign-ins/device-token.ts';
import type { RequestOrigin } from '../sign-ins/new-sign-in.ts';

/** The value of cookie `name` in a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The client address (`request.ip`: the socket's peer, or the nearest untrusted hop of
 * `X-Forwarded-For` when `http.trustProxy` trusts the proxies in between — a client cannot name
 * its own address past them), the user agent and the device token cookie.
 */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  const deviceToken = cookieValue(request.headers.cookie, DEVICE_COOKIE);
  return {
    address: request.ip,
    ...(userAgent ? { userAgent } : {}),
    ...(deviceToken ? { deviceToken } : {}),
  };
}

/**
 * The `Set-Cookie` value keeping `token` on this client: HttpOnly (no script reads it), sent only
 * to the auth routes, `Secure` when the public URL is https.
 */
export function deviceCookie(request: FastifyRequest, token: string, secure: boolean): string {
  const path = `${request.url.slice(0, request.url.indexOf('/auth/'))}/auth`;
  const maxAge = Math.floor(DEVICE_TOKEN_TTL_MS / 1000);
  return `${DEVICE_COOKIE}=${token}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
