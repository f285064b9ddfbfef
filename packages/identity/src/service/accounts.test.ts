import { Registry } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { TooManyAttemptsError } from '../errors.ts';
import { AccountCreated } from '../events.ts';
import { codeOf, createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';

describe('accounts', () => {
  it('sign-up - creates the user, signs in, and publishes account.created once stored', async () => {
    const kit = createTestIdentity();
    const result = await kit.service.signUp({
      email: '  Ada.Lovelace@Example.COM ',
      password: GOOD_PASSWORD,
      displayName: 'Ada',
    });
    expect(result.user).toMatchObject({
      email: 'ada.lovelace@example.com',
      role: 'user',
      tier: 'free',
      displayName: 'Ada',
    });
    // account.created, then the email verification link.
    expect(kit.events.map((e) => e.type)).toEqual([
      'account.created',
      'account.email.verification.requested',
    ]);
    const [event] = kit.events;
    expect(event).toMatchObject({
      type: 'account.created',
      dataschema: AccountCreated.dataschema,
      subject: result.user.id,
      partitionkey: result.user.id,
      data: { userId: result.user.id, email: 'ada.lovelace@example.com', method: 'password', tier: 'free' },
    });
    expect(AccountCreated.schema.safeParse(event!.data).success).toBe(true);
    expect(await kit.repository.findUserById(result.user.id)).toMatchObject({
      passwordHash: expect.stringMatching(/^\$argon2id\$/),
    });
  });

  it('sign-up - the same mailbox in another case is taken', async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'bob@example.com', password: GOOD_PASSWORD });
    expect(await codeOf(kit.service.signUp({ email: 'BOB@example.com', password: GOOD_PASSWORD }))).toBe(
      'IDENTITY_EMAIL_TAKEN',
    );
    expect(kit.events.filter((e) => e.type === 'account.created')).toHaveLength(1);
  });

  it.each([
    ['short', 'too_short'],
    ['1234567890', 'common'],
    ['aaaaaaaaaaaaaaa', 'repetitive'],
    ['carol-the-great-2026', 'contains_email'],
  ])('sign-up - password %j is refused as %s', async (password, rule) => {
    const kit = createTestIdentity();
    const error = await kit.service.signUp({ email: 'carol@example.com', password }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IDENTITY_PASSWORD_WEAK', details: { rule } });
  });

  it('sign-in - the right password signs in; a wrong one or an unknown email is the same error', async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'dan@example.com', password: GOOD_PASSWORD });
    await expect(
      kit.service.signIn({ email: 'DAN@example.com', password: GOOD_PASSWORD }),
    ).resolves.toMatchObject({
      status: 'signed_in',
    });
    expect(await codeOf(kit.service.signIn({ email: 'dan@example.com', password: 'wrong password!' }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    expect(await codeOf(kit.service.signIn({ email: 'nobody@example.com', password: GOOD_PASSWORD }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
  });

  it('sign-in - given 5 failures for an account, then even the right password waits, with retry-after', async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'eve@example.com', password: GOOD_PASSWORD });
    for (let i = 0; i < 5; i++)
      await codeOf(kit.service.signIn({ email: 'eve@example.com', password: `wrong-${i}-password` }));
    const error = await kit.service
      .signIn({ email: 'eve@example.com', password: GOOD_PASSWORD })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyAttemptsError);
    expect(error).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS', retryAfterSeconds: 900 });
    kit.clock.advance(15 * 60 * 1000);
    await expect(
      kit.service.signIn({ email: 'eve@example.com', password: GOOD_PASSWORD }),
    ).resolves.toMatchObject({
      status: 'signed_in',
    });
  });

  it("sign-in - a stranger's failures from elsewhere do not lock the owner out; many addresses together do", async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'gil@example.com', password: GOOD_PASSWORD });
    const owner = { address: '198.51.100.10' };
    const wrong = (address: string) =>
      codeOf(kit.service.signIn({ email: 'gil@example.com', password: 'not the password' }, { address }));
    // Five wrong passwords from one stranger address: that address is done with this account.
    for (let i = 0; i < 5; i++) expect(await wrong('203.0.113.1')).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await wrong('203.0.113.1')).toBe('AUTH_TOO_MANY_ATTEMPTS');
    await expect(
      kit.service.signIn({ email: 'gil@example.com', password: GOOD_PASSWORD }, owner),
    ).resolves.toMatchObject({ status: 'signed_in' });
    // Fifty failures from ten addresses lock the account everywhere, the owner's address included.
    for (let a = 2; a <= 11; a++)
      for (let i = 0; i < 5; i++) expect(await wrong(`203.0.113.${a}`)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await wrong('203.0.113.99')).toBe('AUTH_TOO_MANY_ATTEMPTS');
    expect(
      await codeOf(kit.service.signIn({ email: 'gil@example.com', password: GOOD_PASSWORD }, owner)),
    ).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });

  it("sign-in - strangers from ten addresses lock the account, never the owner's known device", async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'hal@example.com', password: GOOD_PASSWORD });
    const good = { email: 'hal@example.com', password: GOOD_PASSWORD };
    const first = await kit.service.signIn(good, { address: '198.51.100.10' });
    const deviceToken = first.deviceToken!;
    expect(deviceToken).toEqual(expect.any(String));
    const wrong = (origin: { address: string; deviceToken?: string }) =>
      codeOf(kit.service.signIn({ email: 'hal@example.com', password: 'not the password' }, origin));
    // The finding: 5 wrong passwords from each of 10 addresses made the right one 429 everywhere.
    for (let a = 1; a <= 10; a++) for (let i = 0; i < 5; i++) await wrong({ address: `203.0.113.${a}` });
    expect(await codeOf(kit.service.signIn(good, { address: '198.51.100.10' }))).toBe(
      'AUTH_TOO_MANY_ATTEMPTS',
    );
    // From the device it signed in on, the owner gets in, from any address.
    for (const address of ['198.51.100.10', '192.0.2.77'])
      await expect(kit.service.signIn(good, { address, deviceToken })).resolves.toMatchObject({
        status: 'signed_in',
        deviceToken: expect.any(String),
      });
    // The token is this account's only, and a device still gets only five guesses.
    await kit.service.signUp({ email: 'ivy@example.com', password: GOOD_PASSWORD });
    expect(
      await codeOf(
        kit.service.signIn(
          { email: 'ivy@example.com', password: 'nope nope' },
          { address: '203.0.113.1', deviceToken },
        ),
      ),
    ).toBe('AUTH_INVALID_CREDENTIALS');
    for (let i = 0; i < 5; i++)
      expect(await wrong({ address: '192.0.2.77', deviceToken })).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await wrong({ address: '192.0.2.77', deviceToken })).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });

  it('sign-in - an IPv6 /64 counts as one address', async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'jo@example.com', password: GOOD_PASSWORD });
    const wrong = (address: string) =>
      codeOf(kit.service.signIn({ email: 'jo@example.com', password: 'not the password' }, { address }));
    for (let i = 1; i <= 5; i++) expect(await wrong(`2001:db8:5:6::${i}`)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await wrong('2001:db8:5:6:ffff::1')).toBe('AUTH_TOO_MANY_ATTEMPTS');
    expect(await wrong('2001:db8:5:7::1')).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('sign-in - a success resets the account count', async () => {
    const kit = createTestIdentity();
    await kit.service.signUp({ email: 'fay@example.com', password: GOOD_PASSWORD });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++)
        await codeOf(kit.service.signIn({ email: 'fay@example.com', password: 'not the password' }));
      await expect(
        kit.service.signIn({ email: 'fay@example.com', password: GOOD_PASSWORD }),
      ).resolves.toBeDefined();
    }
  });

  it('sign-in - failures from one address across accounts are throttled per address', async () => {
    const kit = createTestIdentity({ throttleLimits: { maxFailuresPerAddress: 3 } });
    const origin = { address: '203.0.113.7' };
    for (let i = 0; i < 3; i++) {
      await codeOf(kit.service.signIn({ email: `guess${i}@example.com`, password: 'whatever pass' }, origin));
    }
    expect(
      await codeOf(kit.service.signIn({ email: 'other@example.com', password: 'whatever pass' }, origin)),
    ).toBe('AUTH_TOO_MANY_ATTEMPTS');
    expect(await codeOf(kit.service.signIn({ email: 'other@example.com', password: 'whatever pass' }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
  });

  it('sign-in - a disabled account cannot sign in', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser('gus@example.com');
    await kit.service.updateUser(admin, user.principal.userId, { status: 'disabled' });
    expect(await codeOf(kit.service.signIn({ email: 'gus@example.com', password: GOOD_PASSWORD }))).toBe(
      'AUTH_ACCOUNT_DISABLED',
    );
    expect(await codeOf(kit.service.refresh({ refreshToken: user.refreshToken }))).toBe(
      'AUTH_REFRESH_TOKEN_INVALID',
    );
  });

  it('change password - needs the current one, ends every session, and the new one works', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('hal@example.com');
    expect(
      await codeOf(
        kit.service.changePassword(user.principal, {
          currentPassword: 'nope nope nope',
          newPassword: 'a brand new passphrase',
        }),
      ),
    ).toBe('AUTH_INVALID_CREDENTIALS');
    const tokens = await kit.service.changePassword(user.principal, {
      currentPassword: GOOD_PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(await codeOf(kit.service.refresh({ refreshToken: user.refreshToken }))).toBe(
      'AUTH_REFRESH_TOKEN_INVALID',
    );
    await expect(kit.service.refresh({ refreshToken: tokens.refreshToken })).resolves.toBeDefined();
    expect(await codeOf(kit.service.signIn({ email: 'hal@example.com', password: GOOD_PASSWORD }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    await expect(
      kit.service.signIn({ email: 'hal@example.com', password: 'a brand new passphrase' }),
    ).resolves.toBeDefined();
  });

  it('first run - createAccount makes an admin; hasAdmin tells', async () => {
    const kit = createTestIdentity();
    expect(await kit.service.hasAdmin()).toBe(false);
    await kit.service.createAccount({ email: 'root@example.com', password: GOOD_PASSWORD }, 'admin');
    expect(await kit.service.hasAdmin()).toBe(true);
    expect(kit.events[0]).toMatchObject({ data: { role: 'admin', method: 'admin' } });
  });

  it('metrics - sign-ins by outcome and rejections by code are counted', async () => {
    const metrics = new Registry();
    const kit = createTestIdentity({ metrics });
    await kit.service.signUp({ email: 'metrics@example.com', password: GOOD_PASSWORD });
    await kit.service.signIn({ email: 'metrics@example.com', password: GOOD_PASSWORD });
    await codeOf(kit.service.signIn({ email: 'metrics@example.com', password: 'wrong password!' }));
    await codeOf(kit.service.authenticate('Bearer nope'));
    const text = await metrics.metrics();
    expect(text).toContain('tickline_identity_sign_ups_total{method="password"} 1');
    expect(text).toContain('tickline_identity_sign_ins_total{method="password",outcome="success"} 1');
    expect(text).toContain(
      'tickline_identity_sign_ins_total{method="password",outcome="invalid_credentials"} 1',
    );
    expect(text).toContain('tickline_identity_rejections_total{code="AUTH_TOKEN_MALFORMED"} 1');
  });
});
