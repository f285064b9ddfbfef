/**
 * @module The bad-input table: every row feeds one malformed, hostile or stale input to the
 * service and expects one typed error code AND an unchanged store. Rows whose input is legal but
 * hostile text (SQL, script) expect it stored verbatim and the store still working. Run by the
 * in-memory unit test and, on PGlite and PostgreSQL, by the SQL integration test.
 */
import { ManualClock } from '@tickline/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJwtTokens } from '../tokens/jwt-tokens.ts';
import { importTokenKeys } from '../tokens/token-keys.ts';
import type { Principal } from '../service/principal.ts';
import {
  codeOf,
  GOOD_PASSWORD,
  TEST_ISSUER,
  TEST_SECRET,
  TEST_START_MS,
  type TestIdentity,
} from './identity-test-kit.ts';

export interface BadInputEnv {
  kit: TestIdentity;
  /** Every stored row of every identity table, in a stable order. */
  snapshot(): Promise<unknown>;
}

interface Fixture {
  email: string;
  user: Principal;
  accessToken: string;
  refreshToken: string;
  admin: Principal;
  revokedKey: string;
}

type Act = (env: BadInputEnv, f: Fixture) => Promise<unknown>;

const SQL = `'; DROP TABLE users; --`;
const SQL_OR = `' OR '1'='1`;
const SCRIPT = `<script>alert(1)</script>`;
const long = (n: number) => 'x'.repeat(n);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const A_UUID = '0190f0c2-0000-7000-8000-00000000abcd';

let counter = 0;

async function fixture(env: BadInputEnv): Promise<Fixture> {
  const { kit } = env;
  const email = `bad${++counter}-${process.pid}@example.com`;
  const signed = await kit.signUpUser(email);
  const admin = await kit.admin();
  const { apiKey, key } = await kit.service.createApiKey(signed.principal, {
    name: 'k',
    scopes: ['market:read'],
  });
  await kit.service.revokeApiKey(signed.principal, apiKey.id);
  return { email, user: signed.principal, ...signed, admin, revokedKey: key };
}

function tokenSignedWith(secret: string, clockMs: number, issuer = TEST_ISSUER) {
  return createJwtTokens({
    keys: importTokenKeys({ algorithm: 'HS256', secret }),
    issuer,
    audience: 'tickline-api',
    accessTokenTtlMs: 60_000,
    mfaTokenTtlMs: 60_000,
    clockSkewMs: 0,
    clock: new ManualClock(clockMs),
  });
}

const claimsOf = (f: Fixture) =>
  ({ userId: f.user.userId, role: 'admin', tier: 'enterprise', sessionId: 'x' }) as const;

/** [name, act, expected code] — each must leave the store unchanged. */
export const REJECTION_ROWS: Array<[string, Act, string]> = [
  [
    'sign-up - body is a string',
    ({ kit }) => kit.service.signUp('email=a@b.c' as never),
    'IDENTITY_INVALID_INPUT',
  ],
  ['sign-up - body is null', ({ kit }) => kit.service.signUp(null as never), 'IDENTITY_INVALID_INPUT'],
  [
    'sign-up - email is a number',
    ({ kit }) => kit.service.signUp({ email: 42, password: GOOD_PASSWORD } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - password missing',
    ({ kit }) => kit.service.signUp({ email: 'm@example.com' } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - unknown field role=admin',
    ({ kit }) =>
      kit.service.signUp({ email: 'r@example.com', password: GOOD_PASSWORD, role: 'admin' } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - oversized email',
    ({ kit }) => kit.service.signUp({ email: `${long(300)}@example.com`, password: GOOD_PASSWORD }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - oversized password',
    ({ kit }) => kit.service.signUp({ email: 'p@example.com', password: long(10_000) }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - password over the policy maximum',
    ({ kit }) => kit.service.signUp({ email: 'p2@example.com', password: `Ab1-${long(200)}` }),
    'IDENTITY_PASSWORD_WEAK',
  ],
  [
    'sign-up - oversized display name',
    ({ kit }) =>
      kit.service.signUp({ email: 'd@example.com', password: GOOD_PASSWORD, displayName: long(65) }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - control characters in display name',
    ({ kit }) =>
      kit.service.signUp({ email: 'c@example.com', password: GOOD_PASSWORD, displayName: 'a\u0000b' }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - SQL as email',
    ({ kit }) => kit.service.signUp({ email: SQL_OR, password: GOOD_PASSWORD }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - script as email',
    ({ kit }) => kit.service.signUp({ email: `${SCRIPT}@example.com`, password: GOOD_PASSWORD }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-up - existing email',
    ({ kit }, f) => kit.service.signUp({ email: f.email, password: GOOD_PASSWORD }),
    'IDENTITY_EMAIL_TAKEN',
  ],
  [
    'sign-in - SQL as email',
    ({ kit }) => kit.service.signIn({ email: `${SQL_OR}--`, password: GOOD_PASSWORD }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-in - SQL as password',
    ({ kit }, f) => kit.service.signIn({ email: f.email, password: SQL_OR }),
    'AUTH_INVALID_CREDENTIALS',
  ],
  [
    'sign-in - password is an array',
    ({ kit }, f) => kit.service.signIn({ email: f.email, password: [GOOD_PASSWORD] } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'sign-in - unknown field',
    ({ kit }, f) => kit.service.signIn({ email: f.email, password: GOOD_PASSWORD, remember: true } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'token - expired access token',
    async ({ kit }, f) =>
      kit.service.authenticate(
        `Bearer ${(await tokenSignedWith(TEST_SECRET, TEST_START_MS - 3_600_000).signAccess(claimsOf(f))).token}`,
      ),
    'AUTH_TOKEN_EXPIRED',
  ],
  [
    'token - forged access token',
    async ({ kit }, f) =>
      kit.service.authenticate(
        `Bearer ${(await tokenSignedWith('forged-secret-forged-secret-forged-secret', TEST_START_MS).signAccess(claimsOf(f))).token}`,
      ),
    'AUTH_TOKEN_SIGNATURE_INVALID',
  ],
  [
    'token - alg none',
    ({ kit }, f) =>
      kit.service.authenticate(
        `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: f.user.userId, role: 'admin', tier: 'enterprise', sid: 'x', iss: TEST_ISSUER, aud: 'tickline-api', iat: TEST_START_MS / 1000, exp: TEST_START_MS / 1000 + 60 })}.`,
      ),
    'AUTH_TOKEN_ALG_NOT_ALLOWED',
  ],
  [
    'token - another issuer',
    async ({ kit }, f) =>
      kit.service.authenticate(
        `Bearer ${(await tokenSignedWith(TEST_SECRET, TEST_START_MS, 'https://evil.test').signAccess(claimsOf(f))).token}`,
      ),
    'AUTH_TOKEN_ISSUER_INVALID',
  ],
  [
    'token - SQL as bearer',
    ({ kit }) => kit.service.authenticate(`Bearer ${SQL_OR.replaceAll(' ', '')}`),
    'AUTH_TOKEN_MALFORMED',
  ],
  [
    'token - oversized bearer',
    ({ kit }) => kit.service.authenticate(`Bearer ${long(10_000)}`),
    'AUTH_TOKEN_MALFORMED',
  ],
  [
    'token - Basic scheme',
    ({ kit }) => kit.service.authenticate('Basic dXNlcjpwYXNz'),
    'AUTH_TOKEN_MALFORMED',
  ],
  ['token - no credentials', ({ kit }) => kit.service.authenticate(undefined), 'AUTH_UNAUTHENTICATED'],
  [
    'refresh - unknown token',
    ({ kit }) => kit.service.refresh({ refreshToken: 'tkl_rt_not-a-real-token' }),
    'AUTH_REFRESH_TOKEN_INVALID',
  ],
  [
    'refresh - SQL as token',
    ({ kit }) => kit.service.refresh({ refreshToken: SQL }),
    'AUTH_REFRESH_TOKEN_INVALID',
  ],
  [
    'refresh - token is a number',
    ({ kit }) => kit.service.refresh({ refreshToken: 7 } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'refresh - access token instead of refresh token',
    ({ kit }, f) => kit.service.refresh({ refreshToken: f.accessToken }),
    'AUTH_REFRESH_TOKEN_INVALID',
  ],
  [
    'mfa - access token as MFA token',
    ({ kit }, f) => kit.service.completeMfa({ mfaToken: f.accessToken, code: '123456' }),
    'AUTH_TOKEN_TYPE_INVALID',
  ],
  [
    'mfa - oversized code',
    ({ kit }, f) => kit.service.completeMfa({ mfaToken: f.accessToken, code: long(100) }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - revoked key',
    ({ kit }, f) => kit.service.authenticate(`Bearer ${f.revokedKey}`),
    'AUTH_API_KEY_REVOKED',
  ],
  [
    'api key - SQL after the prefix',
    ({ kit }) => kit.service.authenticate(`Bearer tkl_live_${SQL_OR.replaceAll(' ', '')}`),
    'AUTH_API_KEY_INVALID',
  ],
  [
    'api key - oversized name',
    ({ kit }, f) => kit.service.createApiKey(f.user, { name: long(65), scopes: ['market:read'] }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - scopes not an array',
    ({ kit }, f) => kit.service.createApiKey(f.user, { name: 'n', scopes: 'market:read' } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - SQL as scope',
    ({ kit }, f) => kit.service.createApiKey(f.user, { name: 'n', scopes: [SQL] }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - unknown field userId',
    ({ kit }, f) =>
      kit.service.createApiKey(f.user, {
        name: 'n',
        scopes: ['market:read'],
        userId: f.admin.userId,
      } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - expiry of a fraction of a day',
    ({ kit }, f) =>
      kit.service.createApiKey(f.user, { name: 'n', scopes: ['market:read'], expiresInDays: 0.5 }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - revoke id is SQL',
    ({ kit }, f) => kit.service.revokeApiKey(f.user, `1 OR 1=1`),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'api key - revoke someone else’s key id',
    async ({ kit }, f) => kit.service.revokeApiKey(f.admin, (await kit.service.listApiKeys(f.user))[0]!.id),
    'IDENTITY_API_KEY_NOT_FOUND',
  ],
  [
    'admin - user changes own role',
    ({ kit }, f) => kit.service.updateUser(f.user, f.user.userId, { role: 'admin' }),
    'AUTH_FORBIDDEN',
  ],
  [
    'admin - unknown role',
    ({ kit }, f) => kit.service.updateUser(f.admin, f.user.userId, { role: 'superuser' } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'admin - unknown field passwordHash',
    ({ kit }, f) =>
      kit.service.updateUser(f.admin, f.user.userId, { tier: 'premium', passwordHash: 'x' } as never),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'admin - empty change',
    ({ kit }, f) => kit.service.updateUser(f.admin, f.user.userId, {}),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'admin - user id is SQL',
    ({ kit }, f) => kit.service.updateUser(f.admin, SQL, { tier: 'premium' }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'admin - unknown user id',
    ({ kit }, f) => kit.service.updateUser(f.admin, A_UUID, { tier: 'premium' }),
    'IDENTITY_USER_NOT_FOUND',
  ],
  [
    'admin - page size too large',
    ({ kit }, f) => kit.service.listUsers(f.admin, { limit: 1000 }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'admin - page size not a number',
    ({ kit }, f) => kit.service.listUsers(f.admin, { limit: 'ten' }),
    'IDENTITY_INVALID_INPUT',
  ],
  [
    'password - weak new password',
    ({ kit }, f) =>
      kit.service.changePassword(f.user, { currentPassword: GOOD_PASSWORD, newPassword: 'short' }),
    'IDENTITY_PASSWORD_WEAK',
  ],
  [
    'totp - activate without enrolment',
    ({ kit }, f) => kit.service.activateTotp(f.user, { code: '123456' }),
    'IDENTITY_TOTP_NOT_ENROLLED',
  ],
  [
    'totp - code is SQL',
    ({ kit }, f) => kit.service.disableTotp(f.user, { code: SQL }),
    'IDENTITY_TOTP_NOT_ENROLLED',
  ],
  ['oidc - unknown provider', ({ kit }) => kit.service.startOidcSignIn('nope'), 'AUTH_OIDC_PROVIDER_UNKNOWN'],
];

/** Hostile text in free-text fields: accepted, stored verbatim, and the store still works. */
export const VERBATIM_ROWS: Array<[string, string]> = [
  ['display name - SQL', `Robert'); DROP TABLE users;--`],
  ['display name - script', SCRIPT],
  ['display name - quotes and backslashes', `O'Brien "\\" \`x\``],
];

export function runBadInputSuite(label: string, createEnv: () => Promise<BadInputEnv>): void {
  describe(`bad input (${label})`, () => {
    let env: BadInputEnv;
    beforeAll(async () => {
      env = await createEnv();
    });

    it.each(REJECTION_ROWS)('%s → %s? store unchanged', async (_name, act, code) => {
      const f = await fixture(env);
      const before = await env.snapshot();
      expect(await codeOf(act(env, f))).toBe(code);
      expect(await env.snapshot()).toEqual(before);
    });

    it.each(VERBATIM_ROWS)('%s - stored verbatim and harmless', async (_name, text) => {
      const email = `verbatim${++counter}-${process.pid}@example.com`;
      const signed = await env.kit.service.signUp({
        email,
        password: `${text} ${GOOD_PASSWORD}`,
        displayName: text,
      });
      expect(signed.user.displayName).toBe(text);
      const principal = await env.kit.service.authenticateAccessToken(signed.tokens.accessToken);
      expect((await env.kit.service.getUser(principal)).displayName).toBe(text);
      const { apiKey } = await env.kit.service.createApiKey(principal, {
        name: text.slice(0, 64),
        scopes: ['market:read'],
      });
      expect((await env.kit.service.listApiKeys(principal)).find((k) => k.id === apiKey.id)?.name).toBe(
        text.slice(0, 64),
      );
      await expect(
        env.kit.service.signIn({ email, password: `${text} ${GOOD_PASSWORD}` }),
      ).resolves.toMatchObject({
        status: 'signed_in',
      });
    });

    it('admin email filter - SQL wildcards match literally', async () => {
      const admin = await env.kit.admin();
      for (const prefix of ['%', '_', SQL, `${SQL_OR}`]) {
        expect((await env.kit.service.listUsers(admin, { email: prefix })).users).toEqual([]);
      }
    });

    it('refresh - a reused token → AUTH_REFRESH_TOKEN_REUSED, and only its session is revoked', async () => {
      const f = await fixture(env);
      const next = await env.kit.service.refresh({ refreshToken: f.refreshToken });
      expect(await codeOf(env.kit.service.refresh({ refreshToken: f.refreshToken }))).toBe(
        'AUTH_REFRESH_TOKEN_REUSED',
      );
      expect(await codeOf(env.kit.service.refresh({ refreshToken: next.refreshToken }))).toBe(
        'AUTH_REFRESH_TOKEN_INVALID',
      );
      const again = await env.kit.service.signIn({ email: f.email, password: GOOD_PASSWORD });
      expect(again.status).toBe('signed_in');
    });
  });
}
