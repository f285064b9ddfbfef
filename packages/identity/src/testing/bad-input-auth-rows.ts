/** @module Bad-input rows for sign-up, sign-in, tokens, refresh and MFA: [name, act, expected code]. */
import { b64, claimsOf, long, SCRIPT, SQL, SQL_OR, tokenSignedWith } from './bad-input-fixture.ts';
import { GOOD_PASSWORD, TEST_ISSUER, TEST_SECRET, TEST_START_MS } from './identity-test-kit.ts';
import type { Act } from './bad-input-fixture.ts';

export const AUTH_REJECTION_ROWS: Array<[string, Act, string]> = [
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
];
