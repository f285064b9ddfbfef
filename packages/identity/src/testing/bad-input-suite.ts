/**
 * @module The bad-input table: every row feeds one malformed, hostile or stale input to the
 * service and expects one typed error code AND an unchanged store. Rows whose input is legal but
 * hostile text (SQL, script) expect it stored verbatim and the store still working. Run by the
 * in-memory unit test and, on PGlite and PostgreSQL, by the SQL integration test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_REJECTION_ROWS } from './bad-input-account-rows.ts';
import { AUTH_REJECTION_ROWS } from './bad-input-auth-rows.ts';
import {
  fixture,
  SCRIPT,
  SQL,
  SQL_OR,
  uniqueEmail,
  type Act,
  type BadInputEnv,
} from './bad-input-fixture.ts';
import { DEFAULT_REFRESH_REUSE_GRACE_MS } from '../config.ts';
import { codeOf, GOOD_PASSWORD } from './identity-test-kit.ts';

export type { BadInputEnv } from './bad-input-fixture.ts';

/** [name, act, expected code] — each must leave the store unchanged. */
export const REJECTION_ROWS: Array<[string, Act, string]> = [
  ...AUTH_REJECTION_ROWS,
  ...ACCOUNT_REJECTION_ROWS,
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
      const email = uniqueEmail('verbatim');
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
      env.kit.clock.advance(DEFAULT_REFRESH_REUSE_GRACE_MS + 1);
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
