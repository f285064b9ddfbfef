import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { cookieIsSecure, issuedToken, sessionCookie, sessionCookieHooks } from './session-cookie.ts';

const pair = (ttlMs: number) => ({
  tokenType: 'Bearer',
  accessToken: 'at.jwt.value',
  accessTokenExpiresAt: new Date(Date.now() + ttlMs).toISOString(),
  refreshToken: 'tkl_rt_x',
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
});

function app(secure = false) {
  const server = Fastify({ trustProxy: true });
  const { setSessionCookie, clearSessionCookie } = sessionCookieHooks(secure);
  server.register(
    async (scope) => {
      scope.addHook('preSerialization', setSessionCookie);
      scope.addHook('onSend', clearSessionCookie);
      scope.post('/auth/sign-in', async () => ({ status: 'signed_in', user: {}, tokens: pair(900_000) }));
      scope.post('/auth/refresh', async () => pair(900_000));
      scope.post('/auth/mfa-needed', async () => ({ status: 'mfa_required', mfaToken: 'm' }));
      scope.post('/auth/refused', async (_request, reply) => reply.status(401).send({ tokens: pair(1000) }));
      scope.post('/auth/sign-out', async (_request, reply) => reply.status(204).send());
      scope.post('/auth/sign-out-everywhere', async () => ({ revokedSessions: 2 }));
    },
    { prefix: '/api/v1' },
  );
  return server;
}

describe('session cookie', () => {
  it('cookie - HttpOnly, SameSite=Strict, scoped to /api/v1, Secure only over HTTPS', () => {
    expect(sessionCookie('a b', 899.7, false)).toBe(
      'tickline_session=a%20b; Path=/api/v1; Max-Age=899; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookie('', 0, true)).toBe(
      'tickline_session=; Path=/api/v1; Max-Age=0; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it('cookie - Secure follows the public URL, not the request protocol', async () => {
    expect(cookieIsSecure('https://tickline.example', false)).toBe(true);
    expect(cookieIsSecure('http://localhost:8080', true)).toBe(false);
    expect(cookieIsSecure(undefined, true)).toBe(true);
    expect(cookieIsSecure(undefined, false)).toBe(false);
    // Behind a TLS-ending proxy the request is plain HTTP; a forged X-Forwarded-Proto changes nothing.
    const secure = app(true);
    const plain = await secure.inject({ method: 'POST', url: '/api/v1/auth/sign-in' });
    expect(plain.headers['set-cookie']).toMatch(/; Secure$/);
    const insecure = app(false);
    const forged = await insecure.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forged.headers['set-cookie']).not.toMatch(/Secure/);
    await secure.close();
    await insecure.close();
  });

  it('cookie - found in a signed-in body and in a bare token pair, nowhere else', () => {
    expect(issuedToken({ tokens: pair(1) })?.accessToken).toBe('at.jwt.value');
    expect(issuedToken(pair(1))?.accessToken).toBe('at.jwt.value');
    expect(issuedToken({ status: 'mfa_required', mfaToken: 'x' })).toBeUndefined();
    expect(issuedToken(null)).toBeUndefined();
    expect(issuedToken('accessToken')).toBeUndefined();
  });

  it('cookie - set by sign-in and refresh responses, expiring with the access token', async () => {
    const server = app();
    for (const url of ['/api/v1/auth/sign-in', '/api/v1/auth/refresh']) {
      const response = await server.inject({ method: 'POST', url });
      expect(response.headers['set-cookie']).toMatch(
        /^tickline_session=at\.jwt\.value; Path=\/api\/v1; Max-Age=(899|900); HttpOnly; SameSite=Strict$/,
      );
    }
    await server.close();
  });

  it('cookie - not set by an MFA step or a refused request', async () => {
    const server = app();
    for (const url of ['/api/v1/auth/mfa-needed', '/api/v1/auth/refused']) {
      expect((await server.inject({ method: 'POST', url })).headers['set-cookie'], url).toBeUndefined();
    }
    await server.close();
  });

  it('cookie - cleared by sign-out and sign-out everywhere', async () => {
    const server = app();
    for (const url of ['/api/v1/auth/sign-out', '/api/v1/auth/sign-out-everywhere']) {
      const response = await server.inject({ method: 'POST', url });
      expect(response.headers['set-cookie'], url).toBe(
        'tickline_session=; Path=/api/v1; Max-Age=0; HttpOnly; SameSite=Strict',
      );
    }
    await server.close();
  });
});
