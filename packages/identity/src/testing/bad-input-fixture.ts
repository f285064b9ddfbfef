/**
 * @module Bad-input table fixtures: the environment each row runs in, a fresh user (with tokens,
 * an admin and a revoked API key) per row, hostile strings, and tokens signed by other parties.
 */
import { ManualClock } from '@tickline/kernel';
import { createJwtTokens } from '../tokens/jwt-tokens.ts';
import { importTokenKeys } from '../tokens/token-keys.ts';
import type { Principal } from '../service/principal.ts';
import { TEST_ISSUER, type TestIdentity } from './identity-test-kit.ts';

export interface BadInputEnv {
  kit: TestIdentity;
  /** Every stored row of every identity table, in a stable order. */
  snapshot(): Promise<unknown>;
}

export interface Fixture {
  email: string;
  user: Principal;
  accessToken: string;
  refreshToken: string;
  admin: Principal;
  revokedKey: string;
  /** The user's live API key with only `market:read`, authenticated. */
  readKey: Principal;
}

export type Act = (env: BadInputEnv, f: Fixture) => Promise<unknown>;

export const SQL = `'; DROP TABLE users; --`;
export const SQL_OR = `' OR '1'='1`;
export const SCRIPT = `<script>alert(1)</script>`;
export const long = (n: number) => 'x'.repeat(n);
export const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const A_UUID = '0190f0c2-0000-7000-8000-00000000abcd';

let counter = 0;

/** A unique, per-process email. */
export function uniqueEmail(tag: string): string {
  return `${tag}${++counter}-${process.pid}@example.com`;
}

export async function fixture(env: BadInputEnv): Promise<Fixture> {
  const { kit } = env;
  const email = uniqueEmail('bad');
  const signed = await kit.signUpUser(email);
  const admin = await kit.admin();
  const { apiKey, key } = await kit.service.createApiKey(signed.principal, {
    name: 'k',
    scopes: ['market:read'],
  });
  await kit.service.revokeApiKey(signed.principal, apiKey.id);
  const live = await kit.service.createApiKey(signed.principal, { name: 'read', scopes: ['market:read'] });
  const readKey = await kit.service.authenticateApiKey(live.key);
  return { email, user: signed.principal, ...signed, admin, revokedKey: key, readKey };
}

export function tokenSignedWith(secret: string, clockMs: number, issuer = TEST_ISSUER) {
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

export const claimsOf = (f: Fixture) =>
  ({ userId: f.user.userId, role: 'admin', tier: 'enterprise', sessionId: 'x', sessionVersion: 0 }) as const;

/** [name, act, expected code] — each must leave the store unchanged. */
