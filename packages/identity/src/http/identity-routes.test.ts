import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestIdentity,
  GOOD_PASSWORD,
  type TestIdentity,
} from '../testing/identity-test-kit.ts';
import { createTestHttpApp } from '../testing/test-http-app.ts';

describe('identity routes', () => {
  let kit: TestIdentity;
  let app: FastifyInstance;

  beforeAll(async () => {
    kit = createTestIdentity();
    app = await createTestHttpApp(kit.service);
  });
  afterAll(() => app.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('routes - sign-up 201, /me with the access token, refresh, sign-out 204', async () => {
    const signUp = await post('/auth/sign-up', { email: 'route@example.com', password: GOOD_PASSWORD });
    expect(signUp.statusCode).toBe(201);
    const { tokens, user } = signUp.json<{
      tokens: { accessToken: string; refreshToken: string };
      user: { id: string };
    }>();
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(tokens.accessToken) });
    expect(me.json()).toMatchObject({ id: user.id, email: 'route@example.com' });
    const refreshed = await post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.statusCode).toBe(200);
    const signOut = await post('/auth/sign-out', {
      refreshToken: refreshed.json<{ refreshToken: string }>().refreshToken,
    });
    expect(signOut.statusCode).toBe(204);
  });

  it('routes - errors have the shared shape and the catalogue status', async () => {
    const unauth = await app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(unauth.statusCode).toBe(401);
    expect(unauth.json()).toEqual({ error: { code: 'AUTH_UNAUTHENTICATED', message: 'no credentials' } });
    const invalid = await post('/auth/sign-up', {
      email: 'x@example.com',
      password: GOOD_PASSWORD,
      role: 'admin',
    });
    // The route's schema refuses it before the service sees it (the service checks again).
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      error: { code: 'HTTP_BAD_REQUEST', details: { issues: [expect.any(Object)] } },
    });
    expect(JSON.stringify(invalid.json())).not.toContain(GOOD_PASSWORD);
  });

  it('routes - a throttled sign-in answers 429 with Retry-After', async () => {
    await kit.service.signUp({ email: 'throttle@example.com', password: GOOD_PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect(
        (await post('/auth/sign-in', { email: 'throttle@example.com', password: 'wrong password!' }))
          .statusCode,
      ).toBe(401);
    }
    const blocked = await post('/auth/sign-in', { email: 'throttle@example.com', password: GOOD_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(blocked.json()).toMatchObject({
      error: { code: 'AUTH_TOO_MANY_ATTEMPTS', details: { retryAfterSeconds: 900 } },
    });
  });

  it('routes - a sign-in keeps an HttpOnly device cookie; sent back, it lets the owner past a lock', async () => {
    await kit.service.signUp({ email: 'device@example.com', password: GOOD_PASSWORD });
    const signIn = (password: string, remoteAddress: string, cookie?: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: 'device@example.com', password },
        remoteAddress,
        headers: cookie ? { cookie } : {},
      });
    const first = await signIn(GOOD_PASSWORD, '198.51.100.10');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^tickline_device=[\w-]+\.[0-9a-z]+\.[\w-]+; Path=\/api\/v1\/auth; Max-Age=7776000; HttpOnly; SameSite=Strict$/,
    );
    expect(first.json()).not.toHaveProperty('deviceToken');
    const cookie = setCookie.split(';')[0]!;
    for (let a = 1; a <= 10; a++)
      for (let i = 0; i < 5; i++) await signIn('wrong password!', `203.0.113.${a}`);
    expect((await signIn(GOOD_PASSWORD, '198.51.100.10')).statusCode).toBe(429);
    const owner = await signIn(GOOD_PASSWORD, '198.51.100.10', `theme=dark; ${cookie}`);
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toMatchObject({ status: 'signed_in' });
  });

  it('routes - API keys: create 201 (key shown once), authenticate with X-API-Key, revoke 204, then 401', async () => {
    const { accessToken } = await kit.signUpUser();
    const created = await post('/api-keys', { name: 'bot', scopes: ['market:read'] }, bearer(accessToken));
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json<{ key: string; apiKey: { id: string } }>();
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-api-key': key } });
    expect(me.statusCode).toBe(200);
    const list = await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(accessToken) });
    expect(list.body).not.toContain(key);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${apiKey.id}`,
      headers: bearer(accessToken),
    });
    expect(revoked.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'AUTH_API_KEY_REVOKED' } });
  });

  it('routes - admin: users are listed and changed by admins only', async () => {
    const admin = await kit.service.createAccount(
      { email: 'boss@example.com', password: GOOD_PASSWORD },
      'admin',
    );
    const signedIn = await kit.service.signIn({ email: 'boss@example.com', password: GOOD_PASSWORD });
    if (signedIn.status !== 'signed_in') throw new Error('expected a session');
    const user = await kit.signUpUser();
    const forbidden = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/users',
      headers: bearer(user.accessToken),
    });
    expect(forbidden.statusCode).toBe(403);
    const listed = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?limit=2',
      headers: bearer(signedIn.tokens.accessToken),
    });
    expect(listed.json<{ users: unknown[] }>().users).toHaveLength(2);
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.principal.userId}`,
      payload: { tier: 'premium' },
      headers: bearer(signedIn.tokens.accessToken),
    });
    expect(changed.json()).toMatchObject({ tier: 'premium' });
    expect(admin.role).toBe('admin');
  });

  it('routes - TOTP enrolment answers the QR as SVG; MFA sign-in completes over HTTP', async () => {
    const { accessToken } = await kit.signUpUser('http-mfa@example.com');
    const enrol = await post('/me/totp', undefined, bearer(accessToken));
    const { secret, qrSvg } = enrol.json<{ secret: string; qrSvg: string }>();
    expect(qrSvg.startsWith('<svg')).toBe(true);
    const { createTotp } = await import('../totp/totp.ts');
    const totp = createTotp({ clock: kit.clock, issuer: 'x' });
    const activate = await post(
      '/me/totp/activate',
      { code: await totp.codeAt(secret, kit.clock.now()) },
      bearer(accessToken),
    );
    expect(activate.json<{ recoveryCodes: string[] }>().recoveryCodes).toHaveLength(10);
    const step = await post('/auth/sign-in', { email: 'http-mfa@example.com', password: GOOD_PASSWORD });
    const { mfaToken } = step.json<{ status: string; mfaToken: string }>();
    kit.clock.advance(30_000);
    const done = await post('/auth/mfa', { mfaToken, code: await totp.codeAt(secret, kit.clock.now()) });
    expect(done.json()).toMatchObject({ status: 'signed_in' });
    // The device is known once the second factor is through, not after the password alone.
    expect(step.headers['set-cookie']).toBeUndefined();
    expect(String(done.headers['set-cookie'])).toMatch(/^tickline_device=/);
    expect(await codeOf(kit.service.completeMfa({ mfaToken, code: '000000' }))).toBe('AUTH_MFA_CODE_INVALID');
  });
});
