import { describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestIdentity,
  GOOD_PASSWORD,
  TEST_ISSUER,
  TEST_SECRET,
} from '../testing/identity-test-kit.ts';
import { DEFAULT_REFRESH_REUSE_GRACE_MS } from '../config.ts';
import { DEFAULT_ACCESS_TOKEN_TTL_MS, DEFAULT_SESSION_MAX_AGE_MS } from './options.ts';

/** Past the reuse grace period: presenting a rotated token again is then reuse. */
const PAST_GRACE_MS = DEFAULT_REFRESH_REUSE_GRACE_MS + 1;

describe('sessions', () => {
  it('sessions - given a refresh token, when refreshed, then a new pair is issued and the old token is spent', async () => {
    const kit = createTestIdentity();
    const { refreshToken } = await kit.signUpUser();
    const next = await kit.service.refresh({ refreshToken });
    expect(next.refreshToken).not.toBe(refreshToken);
    await expect(kit.service.authenticateAccessToken(next.accessToken)).resolves.toMatchObject({
      kind: 'user',
    });
    await expect(kit.service.refresh({ refreshToken: next.refreshToken })).resolves.toBeDefined();
  });

  it('sessions - given a rotated token, when presented again after the grace period, then the whole family is revoked', async () => {
    const kit = createTestIdentity();
    const { refreshToken } = await kit.signUpUser();
    const second = await kit.service.refresh({ refreshToken });
    kit.clock.advance(PAST_GRACE_MS);
    expect(await codeOf(kit.service.refresh({ refreshToken }))).toBe('AUTH_REFRESH_TOKEN_REUSED');
    // The legitimate holder's newer token dies with the family.
    expect(await codeOf(kit.service.refresh({ refreshToken: second.refreshToken }))).toBe(
      'AUTH_REFRESH_TOKEN_INVALID',
    );
  });

  it('sessions - reuse in one session leaves the user’s other sessions alone', async () => {
    const kit = createTestIdentity();
    const { refreshToken } = await kit.signUpUser('two@example.com');
    const other = await kit.service.signIn({ email: 'two@example.com', password: GOOD_PASSWORD });
    if (other.status !== 'signed_in') throw new Error('expected a session');
    await kit.service.refresh({ refreshToken });
    kit.clock.advance(PAST_GRACE_MS);
    expect(await codeOf(kit.service.refresh({ refreshToken }))).toBe('AUTH_REFRESH_TOKEN_REUSED');
    await expect(kit.service.refresh({ refreshToken: other.tokens.refreshToken })).resolves.toBeDefined();
  });

  it('sessions - sign-out ends one session; sign-out everywhere ends all', async () => {
    const kit = createTestIdentity();
    const first = await kit.signUpUser('three@example.com');
    const second = await kit.service.signIn({ email: 'three@example.com', password: GOOD_PASSWORD });
    const third = await kit.service.signIn({ email: 'three@example.com', password: GOOD_PASSWORD });
    if (second.status !== 'signed_in' || third.status !== 'signed_in') throw new Error('expected sessions');
    await kit.service.signOut({ refreshToken: first.refreshToken });
    expect(await codeOf(kit.service.refresh({ refreshToken: first.refreshToken }))).toBe(
      'AUTH_REFRESH_TOKEN_INVALID',
    );
    expect(await kit.service.signOutEverywhere(first.principal)).toBe(2);
    for (const tokens of [second.tokens, third.tokens]) {
      expect(await codeOf(kit.service.refresh({ refreshToken: tokens.refreshToken }))).toBe(
        'AUTH_REFRESH_TOKEN_INVALID',
      );
    }
  });

  it('sessions - access tokens expire after their ttl; refresh gives a working one', async () => {
    const kit = createTestIdentity();
    const { accessToken, refreshToken } = await kit.signUpUser();
    kit.clock.advance(DEFAULT_ACCESS_TOKEN_TTL_MS + 60_000);
    expect(await codeOf(kit.service.authenticateAccessToken(accessToken))).toBe('AUTH_TOKEN_EXPIRED');
    const next = await kit.service.refresh({ refreshToken });
    await expect(kit.service.authenticateAccessToken(next.accessToken)).resolves.toBeDefined();
  });

  it('sessions - a session ends at its absolute max age however often it is refreshed', async () => {
    const kit = createTestIdentity();
    let { refreshToken } = await kit.signUpUser();
    const step = 20 * 24 * 60 * 60 * 1000;
    for (let elapsed = step; elapsed < DEFAULT_SESSION_MAX_AGE_MS; elapsed += step) {
      kit.clock.advance(step);
      ({ refreshToken } = await kit.service.refresh({ refreshToken }));
    }
    kit.clock.advance(step);
    expect(await codeOf(kit.service.refresh({ refreshToken }))).toBe('AUTH_REFRESH_TOKEN_INVALID');
  });

  it('sessions - purging deletes sessions ended before the retention, not live ones', async () => {
    const kit = createTestIdentity();
    const ended = await kit.signUpUser();
    const live = await kit.signUpUser();
    await kit.service.signOut({ refreshToken: ended.refreshToken });
    expect(await kit.service.purgeEndedSessions()).toBe(0);
    kit.clock.advance(8 * 24 * 60 * 60 * 1000);
    expect(await kit.service.purgeEndedSessions()).toBe(1);
    await expect(kit.service.refresh({ refreshToken: live.refreshToken })).resolves.toBeDefined();
    expect(await codeOf(kit.service.refresh({ refreshToken: ended.refreshToken }))).toBe(
      'AUTH_REFRESH_TOKEN_INVALID',
    );
  });

  it('sessions - a role change shows in the next refreshed access token', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser();
    await kit.service.updateUser(admin, user.principal.userId, { tier: 'premium' });
    const next = await kit.service.refresh({ refreshToken: user.refreshToken });
    await expect(kit.service.authenticateAccessToken(next.accessToken)).resolves.toMatchObject({
      tier: 'premium',
      limits: kit.service.tierLimits('premium'),
    });
  });

  it('sessions - a rotated token presented again within the grace period (a reload, a second tab) gets a token of its own; the session lives', async () => {
    const kit = createTestIdentity();
    const { refreshToken } = await kit.signUpUser();
    const first = await kit.service.refresh({ refreshToken });
    kit.clock.advance(DEFAULT_REFRESH_REUSE_GRACE_MS - 1);
    const second = await kit.service.refresh({ refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(kit.service.authenticateAccessToken(second.accessToken)).resolves.toMatchObject({
      kind: 'user',
    });
    // Both branches go on; the grace is measured from the first use, so it does not slide.
    await expect(kit.service.refresh({ refreshToken: first.refreshToken })).resolves.toBeDefined();
    await expect(kit.service.refresh({ refreshToken: second.refreshToken })).resolves.toBeDefined();
    kit.clock.advance(2);
    expect(await codeOf(kit.service.refresh({ refreshToken }))).toBe('AUTH_REFRESH_TOKEN_REUSED');
  });

  it('sessions - concurrent refreshes with one token: both win within the grace period', async () => {
    const kit = createTestIdentity();
    const { refreshToken } = await kit.signUpUser();
    const results = await Promise.all([
      kit.service.refresh({ refreshToken }),
      kit.service.refresh({ refreshToken }),
    ]);
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(2);
  });

  it('sessions - without a grace period, concurrent refreshes with one token: one wins, the other is reuse', async () => {
    const kit = createTestIdentity({
      tokens: {
        issuer: TEST_ISSUER,
        signing: { algorithm: 'HS256', secret: TEST_SECRET },
        refreshReuseGraceMs: 0,
      },
    });
    const { refreshToken } = await kit.signUpUser();
    const results = await Promise.allSettled([
      kit.service.refresh({ refreshToken }),
      kit.service.refresh({ refreshToken }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      await codeOf(
        Promise.reject((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason),
      ),
    ).toBe('AUTH_REFRESH_TOKEN_REUSED');
  });
});
