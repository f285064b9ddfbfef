/**
 * The OIDC authorization code + PKCE flow against a real OpenID provider (`oidc-provider`) on
 * loopback, driven like a browser: the identity routes redirect to the provider, the client fills
 * the provider's login and consent forms, and the provider redirects back to the callback route.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@tickline/testing';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryIdentityRepository } from '../repository/memory/memory-identity-repository.ts';
import { createTestHttpApp } from '../testing/test-http-app.ts';
import {
  codeOf,
  createTestIdentity,
  GOOD_PASSWORD,
  type TestIdentity,
} from '../testing/identity-test-kit.ts';
import { createTotp } from '../totp/totp.ts';

const CLIENT_ID = 'tickline';
const CLIENT_SECRET = 'tickline-test-client-secret';

/** A cookie jar and redirect loop: what a browser does, minus rendering. */
class Browser {
  readonly #cookies = new Map<string, string>();

  async go(
    url: string | URL,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: URL; response: Response }> {
    let current = new URL(url);
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hops = 0; hops < 20; hops++) {
      const headers: Record<string, string> = {
        cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      };
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(current, { method, headers, body, redirect: 'manual' });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        this.#cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      await response.arrayBuffer();
      current = new URL(location, current);
      method = 'GET';
      body = undefined;
    }
    throw new Error('too many redirects');
  }
}

/** Follows the whole sign-in: provider login with `login` as the account id, consent, callback. */
async function signInThroughProvider(
  browser: Browser,
  startUrl: string,
  login: string,
  stopAt?: (url: URL) => boolean,
): Promise<{ url: URL; response: Response }> {
  let step = await browser.go(startUrl);
  for (let i = 0; i < 4; i++) {
    if (stopAt?.(step.url)) return step;
    const match = /\/interaction\/([^/?]+)$/.exec(step.url.pathname);
    if (!match) return step;
    const page = await step.response.text();
    const form: Record<string, string> = page.includes('name="prompt" value="login"')
      ? { prompt: 'login', login, password: 'anything' }
      : { prompt: 'consent' };
    step = await browser.go(new URL(`/interaction/${match[1]}`, step.url), { method: 'POST', form });
  }
  return step;
}

describe('OIDC sign-in against oidc-provider on loopback', () => {
  let providerServer: Server;
  let app: FastifyInstance;
  let issuer: string;
  let appUrl: string;
  let kit: TestIdentity;

  beforeAll(async () => {
    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    const redirectUri = `${appUrl}/api/v1/auth/oidc/idp/callback`;
    providerServer = createServer();
    await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({
          sub,
          email: `${sub}@idp.test`,
          email_verified: !sub.startsWith('unverified'),
          name: `User ${sub}`,
        }),
      }),
      pkce: { required: () => true },
      cookies: { keys: ['oidc-provider-test-cookie-key'] },
    });
    const handle = provider.callback();
    providerServer.on('request', (req, res) => void handle(req, res));

    kit = createTestIdentity({
      repository: createInMemoryIdentityRepository(),
      oidc: {
        providers: [
          {
            id: 'idp',
            name: 'Test IdP',
            issuer,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            redirectUri,
            allowInsecureRequests: true,
          },
          {
            id: 'down',
            issuer: 'http://127.0.0.1:9',
            clientId: 'x',
            redirectUri,
            allowInsecureRequests: true,
            timeoutSeconds: 2,
          },
        ],
      },
    });
    app = await createTestHttpApp(kit.service);
    await app.listen({ port: appPort, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => providerServer?.close(resolve));
  });

  const start = (query = '') => `${appUrl}/api/v1/auth/oidc/idp/start${query}`;

  it('oidc - lists the configured providers', async () => {
    const response = await fetch(`${appUrl}/api/v1/auth/oidc/providers`);
    expect(await response.json()).toEqual({
      providers: [
        { id: 'idp', name: 'Test IdP' },
        { id: 'down', name: 'down' },
      ],
    });
  });

  it('oidc - first sign-in: redirect, login, consent, callback → a new user linked by issuer and subject', async () => {
    const events = kit.events.length;
    const { url, response } = await signInThroughProvider(
      new Browser(),
      start('?returnTo=/dashboard'),
      'alice',
    );
    expect(url.pathname).toBe('/api/v1/auth/oidc/idp/callback');
    expect(url.searchParams.get('code')).toBeTruthy();
    const body = (await response.json()) as {
      status: string;
      returnTo: string;
      user: { id: string; email: string };
      tokens: { accessToken: string };
    };
    expect(body).toMatchObject({
      status: 'signed_in',
      returnTo: '/dashboard',
      user: { email: 'alice@idp.test', hasPassword: false, displayName: 'User alice' },
    });
    await expect(kit.service.authenticateAccessToken(body.tokens.accessToken)).resolves.toMatchObject({
      userId: body.user.id,
    });
    expect(kit.events.slice(events)).toMatchObject([
      { type: 'account.created', data: { method: 'oidc', issuer, email: 'alice@idp.test' } },
    ]);
    expect(await kit.repository.findOidcIdentity(issuer, 'alice')).toMatchObject({ userId: body.user.id });
  });

  it('oidc - signing in again finds the same user and publishes nothing', async () => {
    const first = await signInThroughProvider(new Browser(), start(), 'bob');
    const { user } = (await first.response.json()) as { user: { id: string } };
    const events = kit.events.length;
    const second = await signInThroughProvider(new Browser(), start(), 'bob');
    expect(((await second.response.json()) as { user: { id: string } }).user.id).toBe(user.id);
    expect(kit.events.length).toBe(events);
  });

  it('oidc - a verified email links to the existing password account once that account verified it too', async () => {
    const { user } = await kit.service.signUp({ email: 'carol@idp.test', password: GOOD_PASSWORD });
    const refused = await signInThroughProvider(new Browser(), start(), 'carol');
    expect(refused.response.status).toBe(409);
    expect(await refused.response.json()).toMatchObject({
      error: {
        code: 'IDENTITY_OIDC_LINK_REQUIRED',
        details: { providerVerified: true, accountVerified: false },
      },
    });
    expect(await kit.repository.findOidcIdentity(issuer, 'carol')).toBeUndefined();
    const link = kit.events.find(
      (e) => e.type === 'account.email.verification.requested' && e.subject === user.id,
    );
    const path = kit.service.emailVerificationLink((link!.data as { verificationId: string }).verificationId);
    const token = new URL(path, appUrl).searchParams.get('token')!;
    await kit.service.verifyEmail({ token });

    const { response } = await signInThroughProvider(new Browser(), start(), 'carol');
    expect(await response.json()).toMatchObject({
      status: 'signed_in',
      user: { id: user.id, hasPassword: true },
    });
    expect(await kit.repository.findOidcIdentity(issuer, 'carol')).toMatchObject({ userId: user.id });
  });

  it('oidc - an unverified email that matches an account is refused, not linked', async () => {
    await kit.service.signUp({ email: 'unverified-dan@idp.test', password: GOOD_PASSWORD });
    const { response } = await signInThroughProvider(new Browser(), start(), 'unverified-dan');
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'IDENTITY_OIDC_LINK_REQUIRED' } });
    expect(await kit.repository.findOidcIdentity(issuer, 'unverified-dan')).toBeUndefined();
  });

  it('oidc - a callback replayed (same state and code) is refused', async () => {
    const { url, response } = await signInThroughProvider(new Browser(), start(), 'erin');
    expect(response.status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: { code: 'AUTH_OIDC_STATE_INVALID' } });
  });

  it('oidc - a tampered state is refused; a tampered code fails the exchange', async () => {
    const isCallback = (url: URL) => url.pathname.endsWith('/callback');
    const browser = new Browser();
    const stopped = await signInThroughProvider(
      browser,
      start(),
      'frank',
      (url) => isCallback(url) && url.origin === appUrl,
    );
    // The loop stops after following into the callback; rebuild the callback URL from it.
    const callback = new URL(stopped.url);
    const badState = new URL(callback);
    badState.searchParams.set('state', 'forged-state');
    expect(await codeOf(kit.service.completeOidcSignIn('idp', badState.search))).toBe(
      'AUTH_OIDC_STATE_INVALID',
    );

    const fresh = await signInThroughProvider(new Browser(), start(), 'frank', () => false);
    expect(fresh.response.status).toBe(200);
    const started = await kit.service.startOidcSignIn('idp');
    const bogus = new URLSearchParams({ code: 'not-a-code', state: started.state, iss: issuer });
    const error = await kit.service.completeOidcSignIn('idp', bogus).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_OIDC_FAILED', details: { reason: 'invalid_grant' } });
  });

  it('oidc - PKCE: a callback redeemed with another code verifier is refused by the provider', async () => {
    const repository = kit.repository as ReturnType<typeof createInMemoryIdentityRepository>;
    const take = repository.takeOidcState;
    repository.takeOidcState = async (state, now) => {
      const record = await take(state, now);
      return record && { ...record, codeVerifier: `${record.codeVerifier.slice(0, -4)}AAAA` };
    };
    try {
      const { response } = await signInThroughProvider(new Browser(), start(), 'grace');
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { code: 'AUTH_OIDC_FAILED', details: { reason: 'invalid_grant' } },
      });
    } finally {
      repository.takeOidcState = take;
    }
  });

  it('oidc - the user aborting at the provider → AUTH_OIDC_FAILED access_denied', async () => {
    const browser = new Browser();
    const login = await browser.go(start());
    const uid = /\/interaction\/([^/?]+)$/.exec(login.url.pathname)![1]!;
    const { response } = await browser.go(new URL(`/interaction/${uid}/abort`, login.url));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: 'AUTH_OIDC_FAILED', details: { reason: 'access_denied' } },
    });
  });

  it('oidc - two-factor is enforced after the provider too', async () => {
    const first = await signInThroughProvider(new Browser(), start(), 'heidi');
    const { tokens } = (await first.response.json()) as { tokens: { accessToken: string } };
    const principal = await kit.service.authenticateAccessToken(tokens.accessToken);
    const enrolment = await kit.service.enrolTotp(principal);
    const totp = createTotp({ clock: kit.clock, issuer: 'x' });
    await kit.service.activateTotp(principal, { code: await totp.codeAt(enrolment.secret, kit.clock.now()) });
    const second = await signInThroughProvider(new Browser(), start(), 'heidi');
    expect(await second.response.json()).toMatchObject({ status: 'mfa_required', returnTo: null });
  });

  it('oidc - an unreachable provider → AUTH_OIDC_PROVIDER_UNAVAILABLE; an unknown one → 404', async () => {
    const down = await fetch(`${appUrl}/api/v1/auth/oidc/down/start`, { redirect: 'manual' });
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ error: { code: 'AUTH_OIDC_PROVIDER_UNAVAILABLE' } });
    const unknown = await fetch(`${appUrl}/api/v1/auth/oidc/nope/start`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });

  it('oidc - returnTo must be a path on this site (no open redirect)', async () => {
    for (const returnTo of ['//evil.test/x', 'https://evil.test', '/\\evil.test']) {
      const response = await fetch(start(`?returnTo=${encodeURIComponent(returnTo)}`), {
        redirect: 'manual',
      });
      expect(response.status).toBe(400);
    }
  });
});
