/** @module Bad-input rows for API keys, admin, password change, TOTP and OIDC: [name, act, expected code]. */
import { A_UUID, long, SQL, SQL_OR } from './bad-input-fixture.ts';
import { GOOD_PASSWORD } from './identity-test-kit.ts';
import type { Act } from './bad-input-fixture.ts';

export const ACCOUNT_REJECTION_ROWS: Array<[string, Act, string]> = [
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
  [
    'scopes - a market:read key cannot create keys',
    ({ kit }, f) => kit.service.createApiKey(f.readKey, { name: 'successor', scopes: ['market:read'] }),
    'AUTH_FORBIDDEN',
  ],
  [
    'scopes - a market:read key cannot revoke keys',
    ({ kit }, f) => kit.service.revokeApiKey(f.readKey, f.readKey.apiKeyId!),
    'AUTH_FORBIDDEN',
  ],
  ['scopes - a market:read key cannot enrol 2FA', ({ kit }, f) => kit.service.enrolTotp(f.readKey), 'AUTH_FORBIDDEN'],
  [
    'scopes - a market:read key cannot switch 2FA off',
    ({ kit }, f) => kit.service.disableTotp(f.readKey, { code: '123456' }),
    'AUTH_FORBIDDEN',
  ],
  [
    'scopes - a market:read key cannot change the password',
    ({ kit }, f) =>
      kit.service.changePassword(f.readKey, { currentPassword: GOOD_PASSWORD, newPassword: `${GOOD_PASSWORD}!` }),
    'AUTH_FORBIDDEN',
  ],
  [
    'scopes - a market:read key cannot sign sessions out',
    ({ kit }, f) => kit.service.signOutEverywhere(f.readKey),
    'AUTH_FORBIDDEN',
  ],
  ['oidc - unknown provider', ({ kit }) => kit.service.startOidcSignIn('nope'), 'AUTH_OIDC_PROVIDER_UNKNOWN'],
];
