/**
 * @module A scripted stand-in for the identity API behind a `fetch` function, for unit tests of
 * the SDK's token handling: rotating refresh tokens with reuse detection (like identity's), access
 * tokens the test can expire, and a count of every call.
 */
import type { FetchLike } from '../http/http-client.ts';
import type { PublicUser, TokenPair } from '@tickline/protocol';

export const FAKE_USER: PublicUser = {
  id: '0193a000-0000-7000-8000-000000000001',
  email: 'fake@example.com',
  displayName: null,
  role: 'user',
  tier: 'free',
  status: 'active',
  mfaEnabled: false,
  hasPassword: true,
  emailVerified: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};

export interface FakeApi {
  fetch: FetchLike;
  /** Calls per `METHOD path`. */
  calls: Map<string, number>;
  count(route: string): number;
  /** Every access token issued so far is refused with 401 AUTH_TOKEN_EXPIRED. */
  expireAccessTokens(): void;
  /** Access token lifetime of the next pairs. @default 15 minutes */
  accessTtlMs: number;
  /** Delay of every refresh answer, so concurrent callers overlap. @default 20 */
  refreshDelayMs: number;
  /** The next refresh fails with this status (0 = network error), once. */
  failNextRefresh(status: number): void;
  /** Valid refresh tokens (unspent). */
  liveRefreshTokens(): string[];
  now: () => number;
}

export function createFakeApi(now: () => number = Date.now): FakeApi {
  const calls = new Map<string, number>();
  const validAccess = new Set<string>();
  const refreshTokens = new Map<string, 'live' | 'spent'>();
  let serial = 0;
  let nextRefreshFailure: number | undefined;

  const api: FakeApi = {
    fetch,
    calls,
    count: (route) => calls.get(route) ?? 0,
    expireAccessTokens: () => validAccess.clear(),
    accessTtlMs: 15 * 60_000,
    refreshDelayMs: 20,
    failNextRefresh: (status) => void (nextRefreshFailure = status),
    liveRefreshTokens: () => [...refreshTokens].filter(([, s]) => s === 'live').map(([t]) => t),
    now,
  };

  function pair(): TokenPair {
    const n = ++serial;
    const accessToken = `at-${n}`;
    const refreshToken = `rt-${n}`;
    validAccess.add(accessToken);
    refreshTokens.set(refreshToken, 'live');
    return {
      tokenType: 'Bearer',
      accessToken,
      accessTokenExpiresAt: new Date(now() + api.accessTtlMs).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: new Date(now() + 30 * 86_400_000).toISOString(),
    };
  }

  const json = (status: number, body?: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const error = (status: number, code: string, message = code) => json(status, { error: { code, message } });

  async function fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input);
    const route = `${init.method ?? 'GET'} ${url.pathname}`;
    calls.set(route, (calls.get(route) ?? 0) + 1);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, string>) : {};
    const headers = (init.headers ?? {}) as Record<string, string>;
    const bearer = headers.authorization?.replace(/^Bearer /, '');

    switch (route) {
      case 'POST /api/v1/accounts':
        return json(201, { status: 'signed_in', user: FAKE_USER, tokens: pair() });
      case 'POST /api/v1/auth/sign-in':
        return body.password === 'right'
          ? json(200, { status: 'signed_in', user: FAKE_USER, tokens: pair() })
          : error(401, 'AUTH_INVALID_CREDENTIALS');
      case 'POST /api/v1/auth/refresh': {
        await new Promise((resolve) => setTimeout(resolve, api.refreshDelayMs));
        const failure = nextRefreshFailure;
        nextRefreshFailure = undefined;
        if (failure === 0) throw new TypeError('fetch failed');
        if (failure !== undefined) return error(failure, 'HTTP_INTERNAL');
        const state = refreshTokens.get(body.refreshToken ?? '');
        if (state === undefined) return error(401, 'AUTH_REFRESH_TOKEN_INVALID');
        if (state === 'spent') {
          for (const token of refreshTokens.keys()) refreshTokens.set(token, 'spent');
          return error(401, 'AUTH_REFRESH_TOKEN_REUSED', 'refresh token reused; session revoked');
        }
        refreshTokens.set(body.refreshToken!, 'spent');
        return json(200, pair());
      }
      case 'POST /api/v1/auth/sign-out':
        if (refreshTokens.get(body.refreshToken ?? '') !== 'live')
          return error(401, 'AUTH_REFRESH_TOKEN_INVALID');
        refreshTokens.set(body.refreshToken!, 'spent');
        return json(204);
      case 'GET /api/v1/me':
      case 'POST /api/v1/stream/tickets': {
        if (headers['x-api-key'] === 'tkl_live_key') {
          return route === 'GET /api/v1/me' ? json(200, FAKE_USER) : json(201, { ticket: 'ticket-key' });
        }
        if (bearer === undefined) return error(401, 'AUTH_UNAUTHENTICATED', 'no credentials');
        if (!validAccess.has(bearer)) return error(401, 'AUTH_TOKEN_EXPIRED', 'token expired');
        return route === 'GET /api/v1/me'
          ? json(200, FAKE_USER)
          : json(201, { ticket: `ticket-for-${bearer}` });
      }
      default:
        return error(404, 'HTTP_NOT_FOUND', `no route for ${route}`);
    }
  }

  return api;
}
