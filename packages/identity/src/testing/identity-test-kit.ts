/**
 * @module Test kit: an identity service on a manual clock with cheap (but real) argon2id, an
 * in-memory repository unless one is given, and the events it published.
 */
import { randomBytes } from 'node:crypto';
import { ManualClock, type EventEnvelope } from '@tickline/kernel';
import type { IdentityRepository } from '../repository/identity-repository.ts';
import { createInMemoryIdentityRepository } from '../repository/memory/memory-identity-repository.ts';
import { createIdentityService, type IdentityService } from '../service/identity-service.ts';
import type { IdentityServiceOptions } from '../service/options.ts';
import type { Principal } from '../service/principal.ts';
import { createArgon2Hasher } from '../users/password-hasher.ts';

export const TEST_ISSUER = 'https://tickline.test';
export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
export const TEST_START_MS = Date.parse('2026-03-01T12:00:00.000Z');
export const GOOD_PASSWORD = 'correct horse battery staple';

export interface TestIdentity {
  service: IdentityService;
  clock: ManualClock;
  repository: IdentityRepository;
  events: EventEnvelope[];
  /** Signs up and returns the principal of the new user's access token. */
  signUpUser(
    email?: string,
    password?: string,
  ): Promise<{ principal: Principal; accessToken: string; refreshToken: string }>;
  /** Creates an admin account and signs it in. */
  admin(): Promise<Principal>;
}

let counter = 0;

export function createTestIdentity(
  overrides: Partial<IdentityServiceOptions> & { repository?: IdentityRepository } = {},
): TestIdentity {
  const clock = new ManualClock(TEST_START_MS);
  const repository = overrides.repository ?? createInMemoryIdentityRepository();
  const events: EventEnvelope[] = [];
  const service = createIdentityService({
    clock,
    tokens: { issuer: TEST_ISSUER, signing: { algorithm: 'HS256', secret: TEST_SECRET } },
    totp: { encryptionKey: randomBytes(32) },
    publish: (event) => events.push(event),
    passwordHasher: createArgon2Hasher({ memoryCostKib: 1024, timeCost: 1 }),
    ...overrides,
    repository,
  });
  async function signUpUser(email = `user${++counter}@example.com`, password = GOOD_PASSWORD) {
    const { tokens } = await service.signUp({ email, password });
    const principal = await service.authenticateAccessToken(tokens.accessToken);
    return { principal, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }
  return {
    service,
    clock,
    repository,
    events,
    signUpUser,
    async admin() {
      const email = `admin${++counter}@example.com`;
      await service.createAccount({ email, password: GOOD_PASSWORD }, 'admin');
      const result = await service.signIn({ email, password: GOOD_PASSWORD });
      if (result.status !== 'signed_in') throw new Error('admin sign-in needs MFA');
      return service.authenticateAccessToken(result.tokens.accessToken);
    },
  };
}

/** The rejection's code, for `expect(await codeOf(p)).toBe('AUTH_…')`. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded: ${String(error)}`;
  }
  return 'resolved';
}
