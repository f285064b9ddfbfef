/**
 * @module The session cookie the stream endpoints accept: the access token, HttpOnly (scripts
 * cannot read it), SameSite=Strict, scoped to `/api/v1`, expiring with the
 * token (Secure when the public URL is https). Set whenever a response hands out an access token (sign-up, sign-in, MFA, refresh, OIDC
 * callback, password change); cleared on sign-out. Only the stream endpoints read it: the REST
 * API takes `Authorization`, so a cookie alone never authorizes a state change (no CSRF).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

// The name is realtime's: its stream authenticator reads the cookie.
import { SESSION_COOKIE } from '@tickline/realtime';

export { SESSION_COOKIE };
export const SESSION_COOKIE_PATH = '/api/v1';

/** Routes after which the cookie is cleared (relative to the API prefix). */
const SIGN_OUT_ROUTES = ['/auth/sign-out', '/auth/sign-out-everywhere'];

interface IssuedToken {
  accessToken: string;
  accessTokenExpiresAt: string;
}

function isIssuedToken(value: unknown): value is IssuedToken {
  const v = value as Partial<IssuedToken> | null;
  return typeof v?.accessToken === 'string' && typeof v.accessTokenExpiresAt === 'string';
}

/** The access token a response body hands out: `{ tokens: {…} }` or a bare token pair. */
export function issuedToken(body: unknown): IssuedToken | undefined {
  if (isIssuedToken(body)) return body;
  const tokens = (body as { tokens?: unknown } | null)?.tokens;
  return isIssuedToken(tokens) ? tokens : undefined;
}

/** A `Set-Cookie` value. `maxAgeSeconds` 0 clears the cookie. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    `Path=${SESSION_COOKIE_PATH}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * Whether the cookie is `Secure`: the configured public URL decides (https behind a TLS-ending
 * proxy sees plain-HTTP requests, and a spoofed X-Forwarded-Proto must not turn it off); without
 * one, whether this server itself serves TLS.
 */
export function cookieIsSecure(publicUrl: string | undefined, servesTls: boolean): boolean {
  return publicUrl === undefined ? servesTls : new URL(publicUrl).protocol === 'https:';
}

/** The two hooks, with `Secure` fixed by the deployment (see {@link cookieIsSecure}). */
export function sessionCookieHooks(secure: boolean) {
  /** `preSerialization` hook: a body carrying an access token also sets the cookie. */
  async function setSessionCookie(
    _request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
  ): Promise<unknown> {
    const token = reply.statusCode < 300 ? issuedToken(payload) : undefined;
    if (token) {
      const maxAgeSeconds = (Date.parse(token.accessTokenExpiresAt) - Date.now()) / 1000;
      reply.header('set-cookie', sessionCookie(token.accessToken, maxAgeSeconds, secure));
    }
    return payload;
  }
  /** `onSend` hook: a successful sign-out clears the cookie. */
  async function clearSessionCookie(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
  ): Promise<unknown> {
    const route = request.routeOptions.url ?? '';
    if (reply.statusCode < 300 && SIGN_OUT_ROUTES.some((path) => route.endsWith(path))) {
      reply.header('set-cookie', sessionCookie('', 0, secure));
    }
    return payload;
  }
  return { setSessionCookie, clearSessionCookie };
}
