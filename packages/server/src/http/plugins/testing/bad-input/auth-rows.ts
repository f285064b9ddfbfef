/**
 * @module Bad-input rows: expired, forged and `alg:none` tokens, revoked and forged API keys, stale
 * refresh tokens, privilege escalation, and stream subscriptions to channels that are not yours.
 */
import { DEFAULT_ACCESS_TOKEN_TTL_MS, DEFAULT_CLOCK_SKEW_MS } from '@tickline/identity';
import { createJwtTokens, importTokenKeys } from '@tickline/identity/internal';
import { GOOD_PASSWORD, TEST_ISSUER } from '../test-api.ts';
import { b64, bearer, post, send, SQL_OR, type BadInputContext, type Fixture, type Row } from './fixture.ts';

const me = (c: BadInputContext, headers: Record<string, string>) => send(c, { url: '/api/v1/me', headers });
const stream = (c: BadInputContext, query: string, headers: Record<string, string> = {}) =>
  send(c, { url: `/api/v1/stream?${query}`, headers });

/** An access token for `f`'s user made admin, signed with a secret the server does not have. */
async function forgedToken(c: BadInputContext, f: Fixture): Promise<string> {
  const tokens = createJwtTokens({
    keys: importTokenKeys({ algorithm: 'HS256', secret: 'forged-secret-forged-secret-forged-secret' }),
    issuer: TEST_ISSUER,
    audience: 'tickline-api',
    accessTokenTtlMs: 60_000,
    mfaTokenTtlMs: 60_000,
    clockSkewMs: 0,
    clock: c.api.clock,
  });
  return (await tokens.signAccess({ userId: f.userId, role: 'admin', tier: 'enterprise', sessionId: 'x' }))
    .token;
}

/** `f`'s real token with the payload swapped for one claiming admin (signature kept). */
function tamperedToken(f: Fixture): string {
  const [header, payload, signature] = f.accessToken.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, role: 'admin', tier: 'enterprise' })}.${signature}`;
}

function algNoneToken(c: BadInputContext, f: Fixture): string {
  const now = Math.floor(c.api.clock.now() / 1000);
  const claims = {
    sub: f.userId,
    role: 'admin',
    tier: 'enterprise',
    sid: 'x',
    iss: TEST_ISSUER,
    aud: 'tickline-api',
    iat: now,
    exp: now + 60,
  };
  return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
}

export const AUTH_ROWS: Row[] = [
  [
    'verify email - a token that is not a link token',
    (c) => post(c, '/api/v1/auth/verify-email', { token: `${SQL_OR}` }),
    400,
    'HTTP_BAD_REQUEST',
  ],
  [
    'verify email - a well-formed token no link has',
    (c) => post(c, '/api/v1/auth/verify-email', { token: 'A'.repeat(43) }),
    400,
    'AUTH_EMAIL_VERIFICATION_INVALID',
  ],
  [
    'verify email - resend without credentials',
    (c) => post(c, '/api/v1/me/email/verification', {}),
    401,
    'AUTH_UNAUTHENTICATED',
  ],
  [
    'token - expired access token',
    (c, f) => {
      c.api.clock.advance(DEFAULT_ACCESS_TOKEN_TTL_MS + DEFAULT_CLOCK_SKEW_MS + 1000);
      return me(c, bearer(f.accessToken));
    },
    401,
    'AUTH_TOKEN_EXPIRED',
  ],
  [
    'token - forged signature',
    async (c, f) => me(c, bearer(await forgedToken(c, f))),
    401,
    'AUTH_TOKEN_SIGNATURE_INVALID',
  ],
  ['token - alg none', (c, f) => me(c, bearer(algNoneToken(c, f))), 401, 'AUTH_TOKEN_ALG_NOT_ALLOWED'],
  [
    'token - payload changed to admin',
    (c, f) => me(c, bearer(tamperedToken(f))),
    401,
    'AUTH_TOKEN_SIGNATURE_INVALID',
  ],
  ['token - SQL as bearer', (c) => me(c, bearer(SQL_OR.replaceAll(' ', ''))), 401, 'AUTH_TOKEN_MALFORMED'],
  ['token - none', (c) => me(c, {}), 401, 'AUTH_UNAUTHENTICATED'],
  [
    'api key - revoked, in X-API-Key',
    (c, f) => me(c, { 'x-api-key': f.revokedKey }),
    401,
    'AUTH_API_KEY_REVOKED',
  ],
  ['api key - revoked, as bearer', (c, f) => me(c, bearer(f.revokedKey)), 401, 'AUTH_API_KEY_REVOKED'],
  [
    'api key - right prefix, forged secret',
    (c, f) => me(c, { 'x-api-key': `${f.revokedKey.slice(0, -8)}AAAAAAAA` }),
    401,
    'AUTH_API_KEY_INVALID',
  ],
  [
    'refresh - unknown token',
    (c) => post(c, '/api/v1/auth/refresh', { refreshToken: 'tkl_rt_not-a-real-token' }),
    401,
    'AUTH_REFRESH_TOKEN_INVALID',
  ],
  [
    'refresh - access token as refresh token',
    (c, f) => post(c, '/api/v1/auth/refresh', { refreshToken: f.accessToken }),
    401,
    'AUTH_REFRESH_TOKEN_INVALID',
  ],
  [
    'sign-in - SQL OR as password',
    (c, f) => post(c, '/api/v1/auth/sign-in', { email: f.email, password: SQL_OR }),
    401,
    'AUTH_INVALID_CREDENTIALS',
  ],
  [
    'sign-in - unknown account',
    (c) => post(c, '/api/v1/auth/sign-in', { email: 'nobody@example.com', password: GOOD_PASSWORD }),
    401,
    'AUTH_INVALID_CREDENTIALS',
  ],
  [
    'admin - a user lists users',
    (c, f) => send(c, { url: '/api/v1/admin/users', headers: bearer(f.accessToken) }),
    403,
    'AUTH_FORBIDDEN',
  ],
  [
    'admin - a user makes itself admin',
    (c, f) =>
      send(c, {
        method: 'PATCH',
        url: `/api/v1/admin/users/${f.userId}`,
        payload: { role: 'admin' },
        headers: bearer(f.accessToken),
      }),
    403,
    'AUTH_FORBIDDEN',
  ],
  [
    "stream - someone else's user channel",
    (c, f) => stream(c, `channels=user:${f.otherUserId}`, bearer(f.accessToken)),
    403,
    'RT_FORBIDDEN',
  ],
  [
    "stream - one's own and someone else's channel together",
    (c, f) => stream(c, `channels=user:${f.userId},user:${f.otherUserId}`, bearer(f.accessToken)),
    403,
    'RT_FORBIDDEN',
  ],
  [
    'stream - an admin channel as a user',
    (c, f) => stream(c, 'channels=admin:users', bearer(f.accessToken)),
    403,
    'RT_FORBIDDEN',
  ],
  [
    'stream - access token in the URL',
    (c, f) => stream(c, `channels=user:${f.userId}&access_token=${f.accessToken}`),
    400,
    'RT_TOKEN_IN_URL',
  ],
  ['stream - no credentials', (c, f) => stream(c, `channels=user:${f.userId}`), 401, 'RT_UNAUTHENTICATED'],
  [
    'stream - forged token',
    async (c, f) => stream(c, `channels=user:${f.userId}`, bearer(await forgedToken(c, f))),
    401,
    'RT_UNAUTHENTICATED',
  ],
];
