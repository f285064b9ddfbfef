import { uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { AccountSecurityChanged } from '../events.ts';
import { createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('new sign-in notices', () => {
  function kitWithUser() {
    const kit = createTestIdentity();
    const email = `new-sign-in-${Math.random().toString(36).slice(2)}@example.com`;
    const notices = () =>
      kit.events
        .filter((e) => e.type === AccountSecurityChanged.type)
        .map((e) => e.data as Record<string, unknown>)
        .filter((d) => d.change === 'new_sign_in');
    const signIn = (userAgent: string, address = '203.0.113.7') =>
      kit.service.signIn({ email, password: GOOD_PASSWORD }, { userAgent, address });
    return { kit, email, notices, signIn };
  }

  it('sign-in - a device new to the account is announced once, naming it; the sign-up device is known', async () => {
    const { kit, email, notices, signIn } = kitWithUser();
    await kit.service.signUp(
      { email, password: GOOD_PASSWORD },
      { userAgent: FIREFOX, address: '203.0.113.7' },
    );
    await signIn(FIREFOX);
    expect(notices()).toEqual([]);
    await signIn(SAFARI_IOS);
    const [notice] = notices();
    expect(notice).toMatchObject({ change: 'new_sign_in', device: 'Safari on iOS', address: '203.0.113.7' });
    expect(AccountSecurityChanged.schema.safeParse(notice).success).toBe(true);
    await signIn(SAFARI_IOS);
    expect(notices()).toHaveLength(1);
    // The same browser from another network is a new origin too.
    await signIn(FIREFOX, '198.51.100.20');
    expect(notices().map((n) => n.address)).toEqual(['203.0.113.7', '198.51.100.20']);
  });

  it('sign-in - a failed sign-in and a password change announce no new sign-in', async () => {
    const { kit, email, notices } = kitWithUser();
    const user = await kit.service.signUp({ email, password: GOOD_PASSWORD }, { userAgent: FIREFOX });
    await expect(
      kit.service.signIn({ email, password: 'wrong password!!' }, { userAgent: SAFARI_IOS }),
    ).rejects.toBeDefined();
    const principal = await kit.service.authenticateAccessToken(user.tokens.accessToken);
    await kit.service.changePassword(
      principal,
      { currentPassword: GOOD_PASSWORD, newPassword: 'another-long-password-42' },
      { userAgent: SAFARI_IOS },
    );
    expect(notices()).toEqual([]);
  });

  it('sign-in - sessions from before origins were recorded teach quietly; an account with none is told', async () => {
    const { kit, email, notices, signIn } = kitWithUser();
    // A session stored by an older release: no origin.
    const { id: userId } = await kit.service.createAccount({ email, password: GOOD_PASSWORD }, 'user');
    const [now, later] = [new Date(kit.clock.now()), new Date(kit.clock.now() + 60_000)];
    const sessionId = uuidv7();
    await kit.repository.createSession(
      { id: sessionId, userId, createdAt: now, expiresAt: later, revokedAt: null, revokeReason: null },
      { id: uuidv7(), sessionId, tokenHash: 'legacy', createdAt: now, expiresAt: later, usedAt: null },
    );
    await signIn(FIREFOX);
    expect(notices()).toEqual([]);
    await signIn(SAFARI_IOS);
    expect(notices()).toHaveLength(1);

    const admin = `admin-${email}`;
    await kit.service.createAccount({ email: admin, password: GOOD_PASSWORD }, 'admin');
    await kit.service.signIn({ email: admin, password: GOOD_PASSWORD }, { userAgent: FIREFOX });
    expect(notices()).toHaveLength(2);
  });
});
