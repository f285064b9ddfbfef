import { describe, expect, it } from 'vitest';
import { createTicklineClient } from '../client.ts';
import { isTicklineApiError, type TicklineApiError } from '../errors.ts';
import { createFakeApi, FAKE_USER } from '../testing/fake-api.ts';
import type { SessionEvents } from './session.ts';
import { createMemoryTokenStorage, createWebTokenStorage } from './token-storage.ts';

const BASE = 'http://api.test';

async function signedInClient(options: { now?: () => number } = {}) {
  const api = createFakeApi(options.now);
  const storage = createMemoryTokenStorage();
  const client = createTicklineClient({ baseUrl: BASE, fetch: api.fetch, storage, ...options });
  const signedOut: Array<SessionEvents['signedOut']> = [];
  client.on('signedOut', (event) => signedOut.push(event));
  await client.auth.signIn({ email: 'fake@example.com', password: 'right' });
  return { api, client, storage, signedOut };
}

async function rejection(promise: Promise<unknown>): Promise<TicklineApiError> {
  try {
    await promise;
  } catch (error) {
    if (isTicklineApiError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('auth - automatic refresh', () => {
  it('auth - a 401 on an expired access token: one refresh, then the request is retried', async () => {
    const { api, client } = await signedInClient();
    api.expireAccessTokens();
    expect(await client.me.get()).toEqual(FAKE_USER);
    expect(api.count('GET /api/v1/me')).toBe(2);
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
    // The new token is kept: the next call needs no refresh.
    await client.me.get();
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
    expect(api.count('GET /api/v1/me')).toBe(3);
  });

  it('auth - a token about to expire is refreshed before the request, with no 401 round trip', async () => {
    let now = Date.parse('2026-05-01T00:00:00Z');
    const { api, client } = await signedInClient({ now: () => now });
    now += 15 * 60_000 - 10_000; // 10 s left, inside the 30 s margin
    await client.me.get();
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
    expect(api.count('GET /api/v1/me')).toBe(1);
  });

  it('auth - concurrent 401s share one refresh and every request succeeds', async () => {
    const { api, client } = await signedInClient();
    api.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 8 }, () => client.me.get()));
    expect(results).toHaveLength(8);
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
    expect(api.count('GET /api/v1/me')).toBe(16);
    // Exactly one refresh token is live: no second rotation raced the first.
    expect(api.liveRefreshTokens()).toHaveLength(1);
  });

  it('auth - a refresh refused as reused signs out, emits signedOut and clears storage', async () => {
    const { api, client, storage, signedOut } = await signedInClient();
    // Another holder of the same refresh token rotated it first: ours is now spent.
    const stolen = api.liveRefreshTokens()[0]!;
    await api.fetch(`${BASE}/api/v1/auth/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refreshToken: stolen }),
    });
    api.expireAccessTokens();

    const error = await rejection(client.me.get());
    expect(error).toMatchObject({ code: 'AUTH_REFRESH_TOKEN_REUSED', status: 401 });
    expect(signedOut).toEqual([{ reason: 'refresh_failed', error }]);
    expect(client.auth.signedIn).toBe(false);
    expect(await storage.load()).toBeNull();
    expect((await rejection(client.me.get())).code).toBe('CLIENT_NOT_SIGNED_IN');
    expect(api.count('POST /api/v1/auth/refresh')).toBe(2); // the thief's and ours, no retry loop
  });

  it('auth - a refresh that fails on the network or with 5xx keeps the session for the next try', async () => {
    const { api, client, signedOut } = await signedInClient();
    api.expireAccessTokens();
    api.failNextRefresh(0);
    expect((await rejection(client.me.get())).code).toBe('CLIENT_NETWORK_ERROR');
    api.failNextRefresh(503);
    expect(await rejection(client.me.get())).toMatchObject({ status: 503 });
    expect(signedOut).toEqual([]);
    expect(await client.me.get()).toEqual(FAKE_USER);
  });

  it('auth - a second 401 after the refresh is returned, not retried again', async () => {
    const { api, client } = await signedInClient();
    const realFetch = api.fetch;
    const client401 = createTicklineClient({
      baseUrl: BASE,
      fetch: async (input, init) =>
        new URL(input).pathname === '/api/v1/me'
          ? new Response(JSON.stringify({ error: { code: 'AUTH_TOKEN_EXPIRED', message: 'x' } }), {
              status: 401,
            })
          : realFetch(input, init),
    });
    await client401.auth.signIn({ email: 'fake@example.com', password: 'right' });
    expect((await rejection(client401.me.get())).code).toBe('AUTH_TOKEN_EXPIRED');
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
    expect(client.auth.signedIn).toBe(true);
  });

  it('auth - a session is restored from storage after a reload: first call mints an access token', async () => {
    const api = createFakeApi();
    const entries = new Map<string, string>();
    const webStorage = {
      getItem: (k: string) => entries.get(k) ?? null,
      setItem: (k: string, v: string) => void entries.set(k, v),
      removeItem: (k: string) => void entries.delete(k),
    };
    const first = createTicklineClient({
      baseUrl: BASE,
      fetch: api.fetch,
      storage: createWebTokenStorage(webStorage),
    });
    await first.auth.signUp({ email: 'fake@example.com', password: 'whatever' });
    expect([...entries.values()].join()).not.toContain('at-'); // the access token is never stored

    const reloaded = createTicklineClient({
      baseUrl: BASE,
      fetch: api.fetch,
      storage: createWebTokenStorage(webStorage),
    });
    expect(await reloaded.auth.restore()).toBe(true);
    expect(await reloaded.me.get()).toEqual(FAKE_USER);
    expect(api.count('POST /api/v1/auth/refresh')).toBe(1);
  });

  it('auth - sign-out revokes on the server and locally; the refresh token is dead', async () => {
    const { api, client, signedOut } = await signedInClient();
    await client.auth.signOut();
    expect(api.liveRefreshTokens()).toEqual([]);
    expect(signedOut).toEqual([{ reason: 'sign_out' }]);
    expect((await rejection(client.me.get())).code).toBe('CLIENT_NOT_SIGNED_IN');
  });

  it('auth - an API key client sends X-API-Key and never refreshes', async () => {
    const api = createFakeApi();
    const client = createTicklineClient({ baseUrl: BASE, fetch: api.fetch, apiKey: 'tkl_live_key' });
    expect(await client.me.get()).toEqual(FAKE_USER);
    expect(await client.streamTicket()).toBe('ticket-key');
    expect(api.count('POST /api/v1/auth/refresh')).toBe(0);
  });
});

describe('auth - errors', () => {
  it('errors - the server error body becomes TicklineApiError with code, status and details', async () => {
    const client = createTicklineClient({
      baseUrl: BASE,
      fetch: async () =>
        new Response(
          JSON.stringify({
            error: { code: 'IDENTITY_INVALID_INPUT', message: 'bad', details: { issues: [] } },
          }),
          { status: 400 },
        ),
    });
    const error = await rejection(client.auth.signUp({ email: 'x', password: 'y' }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TicklineApiError',
      code: 'IDENTITY_INVALID_INPUT',
      status: 400,
      details: { issues: [] },
    });
  });

  it('errors - wrong password, non-JSON answers and unreachable servers have distinct codes', async () => {
    const api = createFakeApi();
    const client = createTicklineClient({ baseUrl: BASE, fetch: api.fetch });
    expect(await rejection(client.auth.signIn({ email: 'a@b.c', password: 'wrong' }))).toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
    });
    const proxy = createTicklineClient({
      baseUrl: BASE,
      fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }),
    });
    expect(await rejection(proxy.auth.signIn({ email: 'a@b.c', password: 'x' }))).toMatchObject({
      code: 'CLIENT_BAD_RESPONSE',
      status: 502,
    });
    const down = createTicklineClient({
      baseUrl: BASE,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect(await rejection(down.auth.signIn({ email: 'a@b.c', password: 'x' }))).toMatchObject({
      code: 'CLIENT_NETWORK_ERROR',
      status: 0,
    });
  });

  it('errors - options are checked once, naming the field', () => {
    expect(() => createTicklineClient({ baseUrl: 'api.test' })).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS', details: { field: 'baseUrl' } }),
    );
  });
});
