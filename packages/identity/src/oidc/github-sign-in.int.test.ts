/**
 * Sign-in with GitHub against a local stand-in for github.com and api.github.com (a test double of
 * a third party): the authorization redirect with state and PKCE, the code exchange, `/user` and
 * `/user/emails`, and the state cookie that binds the flow to the browser that started it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@tickline/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttpApp } from '../testing/test-http-app.ts';
import { createTestIdentity, GOOD_PASSWORD, type TestIdentity } from '../testing/identity-test-kit.ts';
import { createTotp } from '../totp/totp.ts';
import { GITHUB_ISSUER } from './github-client.ts';

const CLIENT_ID = 'gh-client';
const CLIENT_SECRET = 'gh-secret';

interface FakeAccount {
  id: number;
  login: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

/** github.com and api.github.com, as far as sign-in uses them. */
function fakeGitHub(accounts: Map<string, FakeAccount>) {
  const codes = new Map<string, { login: string; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const body = async (request: IncomingMessage) => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return new URLSearchParams(text);
  };
  return createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url!, 'http://github.test');
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (url.pathname === '/login/oauth/authorize') {
        // The user "approves" as the login named in the test's login hint.
        const login = url.searchParams.get('login')!;
        const code = `code-${login}-${codes.size}`;
        codes.set(code, {
          login,
          challenge: url.searchParams.get('code_challenge')!,
          redirectUri: url.searchParams.get('redirect_uri')!,
        });
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state')!);
        response.writeHead(302, { location: back.href });
        return response.end();
      }
      if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
        const form = await body(request);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url');
        if (
          !grant ||
          form.get('client_id') !== CLIENT_ID ||
          form.get('client_secret') !== CLIENT_SECRET ||
          verifier !== grant.challenge ||
          form.get('redirect_uri') !== grant.redirectUri
        )
          return json(200, { error: 'bad_verification_code' });
        const token = `token-${grant.login}`;
        tokens.set(token, grant.login);
        return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      }
      const login = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      const account = login === undefined ? undefined : accounts.get(login);
      if (!account) return json(401, { message: 'Bad credentials' });
      if (url.pathname === '/api/user')
        return json(200, { id: account.id, login: account.login, name: null });
      if (url.pathname === '/api/user/emails') return json(200, account.emails);
      return json(404, { message: 'Not Found' });
    })();
  });
}

describe('sign-in with GitHub (OAuth 2.0, no OIDC)', () => {
  let github: Server;
  let app: FastifyInstance;
  let appUrl: string;
  let kit: TestIdentity;
  const accounts = new Map<string, FakeAccount>([
    [
      'octo',
      { id: 583231, login: 'octo', emails: [{ email: 'octo@example.com', primary: true, verified: true }] },
    ],
    [
      'nomail',
      { id: 7, login: 'nomail', emails: [{ email: 'nomail@example.com', primary: true, verified: false }] },
    ],
    ['ada', { id: 11, login: 'ada', emails: [{ email: 'ada@example.com', primary: true, verified: true }] }],
  ]);

  beforeAll(async () => {
    github = fakeGitHub(accounts);
    await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    kit = createTestIdentity({
      oidc: {
        providers: [
          {
            id: 'github',
            kind: 'github',
            issuer: GITHUB_ISSUER,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            redirectUri: `${appUrl}/api/v1/auth/oidc/github/callback`,
            endpoints: {
              authorize: `${base}/login/oauth/authorize`,
              token: `${base}/login/oauth/access_token`,
              api: `${base}/api`,
            },
          },
        ],
      },
    });
    app = await createTestHttpApp(kit.service);
    await app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => github?.close(resolve));
  });

  /** Start → GitHub → the callback URL, and the state cookie the start set. */
  async function authorize(login: string): Promise<{ callback: string; cookie: string }> {
    const started = await fetch(`${appUrl}/api/v1/auth/oidc/github/start`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const cookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
    const at = new URL(started.headers.get('location')!);
    expect(at.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(at.searchParams.get('scope')).toBe('read:user user:email');
    expect(at.searchParams.get('code_challenge_method')).toBe('S256');
    at.searchParams.set('login', login);
    const back = await fetch(at, { redirect: 'manual' });
    return { callback: back.headers.get('location')!, cookie };
  }

  it('github - first sign-in creates a verified account from the primary verified email', async () => {
    const { callback, cookie } = await authorize('octo');
    const response = await fetch(callback, { headers: { cookie } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      user: { id: string; email: string; emailVerified: boolean };
    };
    expect(body).toMatchObject({
      status: 'signed_in',
      user: { email: 'octo@example.com', emailVerified: true },
    });
    expect(await kit.repository.findOidcIdentity(GITHUB_ISSUER, '583231')).toMatchObject({
      userId: body.user.id,
    });
  });

  it('github - the callback in a browser without the state cookie is refused, and the state survives', async () => {
    const { callback, cookie } = await authorize('octo');
    const elsewhere = await fetch(callback);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({
      error: { code: 'AUTH_OIDC_STATE_INVALID', details: { reason: 'browser_mismatch' } },
    });
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
  });

  it('github - the state cookie is Secure when the public URL is https, whatever the request says', async () => {
    const behindProxy = await createTestHttpApp(kit.service, { secureCookies: true });
    try {
      // The proxy speaks plain HTTP to the process: no X-Forwarded-Proto, or a spoofed http one.
      for (const headers of [{}, { 'x-forwarded-proto': 'http' }]) {
        const started = await behindProxy.inject({ url: '/api/v1/auth/oidc/github/start', headers });
        expect(started.statusCode).toBe(302);
        expect(String(started.headers['set-cookie']).split('; ')).toContain('Secure');
      }
    } finally {
      await behindProxy.close();
    }
    const plain = await fetch(`${appUrl}/api/v1/auth/oidc/github/start`, { redirect: 'manual' });
    expect(plain.headers.getSetCookie()[0]!.split('; ')).not.toContain('Secure');
  });

  it('github - with two-factor on, GitHub alone gives no session: the code completes the sign-in', async () => {
    const first = await authorize('octo');
    const signedIn = (await (await fetch(first.callback, { headers: { cookie: first.cookie } })).json()) as {
      tokens: { accessToken: string };
    };
    const principal = await kit.service.authenticateAccessToken(signedIn.tokens.accessToken);
    const enrolment = await kit.service.enrolTotp(principal);
    const totp = createTotp({ clock: kit.clock, issuer: 'x' });
    await kit.service.activateTotp(principal, { code: await totp.codeAt(enrolment.secret, kit.clock.now()) });

    const { callback, cookie } = await authorize('octo');
    const response = await fetch(callback, { headers: { cookie } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'mfa_required', mfaToken: expect.any(String) });
    expect(body.tokens).toBeUndefined();
    const wrong = await fetch(`${appUrl}/api/v1/auth/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfaToken: body.mfaToken, code: '000000' }),
    });
    expect(wrong.status).toBe(401);
    kit.clock.advance(30_000); // a fresh time step: the code used to activate is spent
    const mfa = await fetch(`${appUrl}/api/v1/auth/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        mfaToken: body.mfaToken,
        code: await totp.codeAt(enrolment.secret, kit.clock.now()),
      }),
    });
    expect(mfa.status).toBe(200);
    expect(await mfa.json()).toMatchObject({ status: 'signed_in', user: { id: principal.userId } });
  });

  it('github - no verified primary email → AUTH_OIDC_FAILED email_missing', async () => {
    const { callback, cookie } = await authorize('nomail');
    const response = await fetch(callback, { headers: { cookie } });
    expect(await response.json()).toMatchObject({
      error: { code: 'AUTH_OIDC_FAILED', details: { reason: 'email_missing' } },
    });
  });

  it('github - an existing unverified password account with that email is not linked: it asks', async () => {
    await kit.service.signUp({ email: 'ada@example.com', password: GOOD_PASSWORD });
    const { callback, cookie } = await authorize('ada');
    const response = await fetch(callback, { headers: { cookie } });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'IDENTITY_OIDC_LINK_REQUIRED' } });
  });
});
