import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_LIMITS, resolveTierTable } from '../tiers/tiers.ts';
import { codeOf, createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';

describe('roles and tiers', () => {
  it('admin - changes a user’s tier and role; the user’s next token carries them', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser('pat@example.com');
    const updated = await kit.service.updateUser(admin, user.principal.userId, {
      role: 'admin',
      tier: 'enterprise',
    });
    expect(updated).toMatchObject({ role: 'admin', tier: 'enterprise' });
    const result = await kit.service.signIn({ email: 'pat@example.com', password: GOOD_PASSWORD });
    if (result.status !== 'signed_in') throw new Error('expected a session');
    await expect(kit.service.authenticateAccessToken(result.tokens.accessToken)).resolves.toMatchObject({
      role: 'admin',
      tier: 'enterprise',
      limits: DEFAULT_TIER_LIMITS.enterprise,
    });
  });

  it('admin - a tier change is published as account.tier.changed; other changes are not', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser('tiers@example.com');
    const tierEvents = () => kit.events.filter((e) => e.type === 'account.tier.changed');
    await kit.service.updateUser(admin, user.principal.userId, { tier: 'premium' });
    expect(tierEvents().map((e) => [e.subject, e.data])).toEqual([
      [user.principal.userId, { userId: user.principal.userId, tier: 'premium', previousTier: 'free' }],
    ]);
    // The same tier again, or a role change alone, is no tier change.
    await kit.service.updateUser(admin, user.principal.userId, { tier: 'premium' });
    await kit.service.updateUser(admin, user.principal.userId, { role: 'admin' });
    await kit.service.updateUser(admin, user.principal.userId, { tier: 'free' });
    expect(tierEvents().map((e) => e.data)).toEqual([
      { userId: user.principal.userId, tier: 'premium', previousTier: 'free' },
      { userId: user.principal.userId, tier: 'free', previousTier: 'premium' },
    ]);
  });

  it('admin - a user, or an admin’s API key without the admin scope, is forbidden', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser();
    expect(await codeOf(kit.service.listUsers(user.principal))).toBe('AUTH_FORBIDDEN');
    expect(
      await codeOf(kit.service.updateUser(user.principal, user.principal.userId, { role: 'admin' })),
    ).toBe('AUTH_FORBIDDEN');
    const { key } = await kit.service.createApiKey(admin, { name: 'ro', scopes: ['market:read'] });
    const keyPrincipal = await kit.service.authenticateApiKey(key);
    expect(await codeOf(kit.service.listUsers(keyPrincipal))).toBe('AUTH_FORBIDDEN');
    const { key: adminKey } = await kit.service.createApiKey(admin, { name: 'ops', scopes: ['admin'] });
    await expect(
      kit.service.listUsers(await kit.service.authenticateApiKey(adminKey)),
    ).resolves.toBeDefined();
  });

  it('admin - the last active admin cannot be demoted or disabled', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    expect(await codeOf(kit.service.updateUser(admin, admin.userId, { role: 'user' }))).toBe(
      'IDENTITY_LAST_ADMIN',
    );
    expect(await codeOf(kit.service.updateUser(admin, admin.userId, { status: 'disabled' }))).toBe(
      'IDENTITY_LAST_ADMIN',
    );
    const other = await kit.signUpUser();
    await kit.service.updateUser(admin, other.principal.userId, { role: 'admin' });
    await expect(kit.service.updateUser(admin, admin.userId, { role: 'user' })).resolves.toMatchObject({
      role: 'user',
    });
  });

  it('admin - lists users a page at a time, filtered by tier and email prefix', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    for (let i = 0; i < 5; i++) await kit.signUpUser(`list${i}@example.com`);
    const first = await kit.service.listUsers(admin, { limit: 2, email: 'LIST' });
    expect(first.users.map((u) => u.email)).toEqual(['list0@example.com', 'list1@example.com']);
    const second = await kit.service.listUsers(admin, { limit: 2, email: 'list', after: first.nextAfter! });
    expect(second.users.map((u) => u.email)).toEqual(['list2@example.com', 'list3@example.com']);
    const premium = await kit.service.listUsers(admin, { tier: 'premium' });
    expect(premium).toEqual({ users: [], nextAfter: null });
  });

  it('admin - an unknown user id is not found', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    expect(
      await codeOf(
        kit.service.updateUser(admin, '0190f0c2-0000-7000-8000-00000000ffff', { tier: 'premium' }),
      ),
    ).toBe('IDENTITY_USER_NOT_FOUND');
  });

  it('tiers - overrides change single values and keep the rest', () => {
    const table = resolveTierTable({ free: { requestsPerMinute: 120 } });
    expect(table.free).toEqual({ ...DEFAULT_TIER_LIMITS.free, requestsPerMinute: 120 });
    expect(table.premium).toEqual(DEFAULT_TIER_LIMITS.premium);
    expect(() => resolveTierTable({ free: { burst: -1 } })).toThrow(/tiers\.free\.burst/);
  });

  it('tiers - each step up allows more of everything', () => {
    const [free, premium, enterprise] = [
      DEFAULT_TIER_LIMITS.free,
      DEFAULT_TIER_LIMITS.premium,
      DEFAULT_TIER_LIMITS.enterprise,
    ];
    for (const field of Object.keys(free) as Array<keyof typeof free>) {
      expect(premium[field]).toBeGreaterThan(free[field]);
      expect(enterprise[field]).toBeGreaterThan(premium[field]);
    }
  });
});
