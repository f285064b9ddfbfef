import { describe, expect, it } from 'vitest';
import { createTotp, TOTP_PERIOD_SECONDS } from '../totp/totp.ts';
import {
  codeOf,
  createTestIdentity,
  GOOD_PASSWORD,
  type TestIdentity,
} from '../testing/identity-test-kit.ts';

const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;

async function enrolled(kit: TestIdentity, email = 'mfa@example.com') {
  const user = await kit.signUpUser(email);
  const enrolment = await kit.service.enrolTotp(user.principal);
  const totp = createTotp({ clock: kit.clock, issuer: 'x' });
  const codeNow = () => totp.codeAt(enrolment.secret, kit.clock.now());
  const { recoveryCodes } = await kit.service.activateTotp(user.principal, { code: await codeNow() });
  return { user, enrolment, codeNow, recoveryCodes, totp };
}

async function challenge(kit: TestIdentity, email = 'mfa@example.com') {
  const result = await kit.service.signIn({ email, password: GOOD_PASSWORD });
  if (result.status !== 'mfa_required') throw new Error('expected an MFA challenge');
  return result.mfaToken;
}

describe('two-factor (TOTP)', () => {
  it('enrol - gives a secret, an otpauth URI and an SVG QR code; nothing is enforced until activated', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('enrol@example.com');
    const enrolment = await kit.service.enrolTotp(user.principal);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\/Tickline:enrol%40example\.com\?secret=/);
    expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    await expect(
      kit.service.signIn({ email: 'enrol@example.com', password: GOOD_PASSWORD }),
    ).resolves.toMatchObject({
      status: 'signed_in',
    });
  });

  it('activate - a wrong code is refused; the stored secret is encrypted', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('act@example.com');
    const enrolment = await kit.service.enrolTotp(user.principal);
    expect(await codeOf(kit.service.activateTotp(user.principal, { code: '000000' }))).toBe(
      'AUTH_MFA_CODE_INVALID',
    );
    const stored = await kit.repository.findTotp(user.principal.userId);
    expect(stored?.secretCipher).not.toContain(enrolment.secret);
    expect(stored?.enabledAt).toBeNull();
  });

  it('sign-in - with 2FA on, the password gives a challenge and the code completes it', async () => {
    const kit = createTestIdentity();
    const { codeNow, recoveryCodes } = await enrolled(kit);
    expect(recoveryCodes).toHaveLength(10);
    kit.clock.advance(PERIOD_MS);
    const result = await kit.service.completeMfa({ mfaToken: await challenge(kit), code: await codeNow() });
    expect(result).toMatchObject({ status: 'signed_in', user: { mfaEnabled: true } });
  });

  it('window - a code from one period ago is accepted, from two periods ago refused', async () => {
    const kit = createTestIdentity();
    const { enrolment, totp } = await enrolled(kit);
    kit.clock.advance(10 * PERIOD_MS);
    const oneAgo = await totp.codeAt(enrolment.secret, kit.clock.now() - PERIOD_MS);
    const twoAgo = await totp.codeAt(enrolment.secret, kit.clock.now() - 2 * PERIOD_MS);
    expect(await codeOf(kit.service.completeMfa({ mfaToken: await challenge(kit), code: twoAgo }))).toBe(
      'AUTH_MFA_CODE_INVALID',
    );
    await expect(
      kit.service.completeMfa({ mfaToken: await challenge(kit), code: oneAgo }),
    ).resolves.toBeDefined();
  });

  it('replay - a code accepted once is refused the second time, even within its period', async () => {
    const kit = createTestIdentity();
    const { codeNow } = await enrolled(kit);
    kit.clock.advance(PERIOD_MS);
    const code = await codeNow();
    await kit.service.completeMfa({ mfaToken: await challenge(kit), code });
    expect(await codeOf(kit.service.completeMfa({ mfaToken: await challenge(kit), code }))).toBe(
      'AUTH_MFA_CODE_INVALID',
    );
  });

  it('activation code - cannot be replayed at sign-in', async () => {
    const kit = createTestIdentity();
    const { codeNow } = await enrolled(kit);
    expect(
      await codeOf(kit.service.completeMfa({ mfaToken: await challenge(kit), code: await codeNow() })),
    ).toBe('AUTH_MFA_CODE_INVALID');
  });

  it('recovery codes - each works once, in any case and spacing', async () => {
    const kit = createTestIdentity();
    const { recoveryCodes } = await enrolled(kit);
    const code = recoveryCodes[0]!;
    const typed = ` ${code.toUpperCase().replaceAll('-', ' ')} `.slice(0, 32);
    await expect(
      kit.service.completeMfa({ mfaToken: await challenge(kit), code: typed }),
    ).resolves.toBeDefined();
    expect(await codeOf(kit.service.completeMfa({ mfaToken: await challenge(kit), code }))).toBe(
      'AUTH_MFA_CODE_INVALID',
    );
  });

  it('challenge - expires after its ttl', async () => {
    const kit = createTestIdentity();
    const { codeNow } = await enrolled(kit);
    const token = await challenge(kit);
    kit.clock.advance(6 * 60 * 1000);
    expect(await codeOf(kit.service.completeMfa({ mfaToken: token, code: await codeNow() }))).toBe(
      'AUTH_TOKEN_EXPIRED',
    );
  });

  it('challenge - wrong codes count towards the account throttle', async () => {
    const kit = createTestIdentity();
    await enrolled(kit);
    const token = await challenge(kit);
    for (let i = 0; i < 5; i++) await codeOf(kit.service.completeMfa({ mfaToken: token, code: '111111' }));
    expect(await codeOf(kit.service.completeMfa({ mfaToken: token, code: '111111' }))).toBe(
      'AUTH_TOO_MANY_ATTEMPTS',
    );
    expect(await codeOf(kit.service.signIn({ email: 'mfa@example.com', password: GOOD_PASSWORD }))).toBe(
      'AUTH_TOO_MANY_ATTEMPTS',
    );
  });

  it.each([
    ['disable', (kit: TestIdentity, p: Parameters<TestIdentity['service']['disableTotp']>[0]) =>
      kit.service.disableTotp(p, { code: '000000' })],
    ['regenerate recovery codes', (kit: TestIdentity, p: Parameters<TestIdentity['service']['disableTotp']>[0]) =>
      kit.service.regenerateRecoveryCodes(p, { code: '000000' })],
  ] as const)('throttle - every code check counts: %s stops guessing after the account limit', async (_name, guess) => {
    const kit = createTestIdentity();
    const { user, codeNow } = await enrolled(kit, 'guess@example.com');
    for (let i = 0; i < 5; i++) expect(await codeOf(guess(kit, user.principal))).toBe('AUTH_MFA_CODE_INVALID');
    expect(await codeOf(guess(kit, user.principal))).toBe('AUTH_TOO_MANY_ATTEMPTS');
    // Even the right code waits now, and so does a password sign-in of the same account.
    kit.clock.advance(PERIOD_MS);
    expect(await codeOf(kit.service.disableTotp(user.principal, { code: await codeNow() }))).toBe(
      'AUTH_TOO_MANY_ATTEMPTS',
    );
    expect(await codeOf(kit.service.signIn({ email: 'guess@example.com', password: GOOD_PASSWORD }))).toBe(
      'AUTH_TOO_MANY_ATTEMPTS',
    );
  });

  it('throttle - an activation code check counts too', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('activate-guess@example.com');
    await kit.service.enrolTotp(user.principal);
    for (let i = 0; i < 5; i++)
      expect(await codeOf(kit.service.activateTotp(user.principal, { code: '000000' }))).toBe('AUTH_MFA_CODE_INVALID');
    expect(await codeOf(kit.service.activateTotp(user.principal, { code: '000000' }))).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });

  it('enrol again - refused while enabled; disable needs a code, then sign-in is one step', async () => {
    const kit = createTestIdentity();
    const { user, codeNow } = await enrolled(kit);
    expect(await codeOf(kit.service.enrolTotp(user.principal))).toBe('IDENTITY_TOTP_ALREADY_ENABLED');
    expect(await codeOf(kit.service.disableTotp(user.principal, { code: '123456' }))).toBe(
      'AUTH_MFA_CODE_INVALID',
    );
    kit.clock.advance(PERIOD_MS);
    await kit.service.disableTotp(user.principal, { code: await codeNow() });
    await expect(
      kit.service.signIn({ email: 'mfa@example.com', password: GOOD_PASSWORD }),
    ).resolves.toMatchObject({
      status: 'signed_in',
    });
  });

  it('recovery codes - regenerating replaces the old set', async () => {
    const kit = createTestIdentity();
    const { user, codeNow, recoveryCodes } = await enrolled(kit);
    kit.clock.advance(PERIOD_MS);
    const fresh = await kit.service.regenerateRecoveryCodes(user.principal, { code: await codeNow() });
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect(
      await codeOf(kit.service.completeMfa({ mfaToken: await challenge(kit), code: recoveryCodes[1]! })),
    ).toBe('AUTH_MFA_CODE_INVALID');
    await expect(
      kit.service.completeMfa({ mfaToken: await challenge(kit), code: fresh.recoveryCodes[1]! }),
    ).resolves.toBeDefined();
  });
});
