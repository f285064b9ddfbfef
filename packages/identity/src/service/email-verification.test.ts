import { describe, expect, it } from 'vitest';
import { codeOf, createTestIdentity } from '../testing/identity-test-kit.ts';
import {
  DEFAULT_EMAIL_VERIFICATION_RESEND_INTERVAL_MS,
  DEFAULT_EMAIL_VERIFICATION_TTL_MS,
} from './options.ts';

/** The token of the user's latest link, as the notifications service makes it from the event. */
function linkToken(kit: ReturnType<typeof createTestIdentity>, userId: string, nth = -1): string {
  const links = kit.events.filter(
    (e) => e.type === 'account.email.verification.requested' && e.subject === userId,
  );
  const { verificationId } = links.at(nth)!.data as { verificationId: string };
  const path = kit.service.emailVerificationLink(verificationId);
  expect(path).toMatch(/^\/verify-email\?token=[A-Za-z0-9_-]{40,}$/);
  return new URL(path, 'http://x').searchParams.get('token')!;
}

describe('email verification', () => {
  it('sign-up - a password sign-up gets a link announced by reference; no token leaves identity', async () => {
    const told: unknown[] = [];
    const kit = createTestIdentity({ onEmailVerificationRequested: (request) => told.push(request) });
    const signed = await kit.service.signUp({
      email: 'ada@example.com',
      password: 'correct horse battery staple',
    });
    expect(signed.user.emailVerified).toBe(false);
    const token = linkToken(kit, signed.user.id);
    // Neither the event (durable, read by every consumer) nor the log hook carries the token.
    expect(JSON.stringify(kit.events)).not.toContain(token);
    expect(told).toEqual([{ userId: signed.user.id, email: 'ada@example.com' }]);
  });

  it('admin - an admin gets a fresh link to hand over; a user cannot, nor for a verified address', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('dee@example.com');
    const admin = await kit.admin();
    expect(await codeOf(kit.service.issueEmailVerificationLink(user.principal, user.principal.userId))).toBe(
      'AUTH_FORBIDDEN',
    );
    const link = await kit.service.issueEmailVerificationLink(admin, user.principal.userId);
    const token = new URL(link!.path, 'http://x').searchParams.get('token')!;
    expect(JSON.stringify(kit.events)).not.toContain(token);
    expect((await kit.service.verifyEmail({ token })).emailVerified).toBe(true);
    expect(await kit.service.issueEmailVerificationLink(admin, user.principal.userId)).toBeUndefined();
  });

  it('verify - the link verifies once; used again it is refused', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('bob@example.com');
    const token = linkToken(kit, user.principal.userId);
    expect(await kit.service.verifyEmail({ token })).toMatchObject({
      email: 'bob@example.com',
      emailVerified: true,
    });
    expect((await kit.service.getUser(user.principal)).emailVerified).toBe(true);
    expect(await codeOf(kit.service.verifyEmail({ token }))).toBe('AUTH_EMAIL_VERIFICATION_INVALID');
  });

  it('verify - a verified address is announced as account.email.verified; sign-up says it is not yet', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('proof@example.com');
    const created = kit.events.find(
      (e) => e.type === 'account.created' && e.subject === user.principal.userId,
    );
    expect(created?.data).toMatchObject({ emailVerified: false });
    expect(kit.events.some((e) => e.type === 'account.email.verified')).toBe(false);
    await kit.service.verifyEmail({ token: linkToken(kit, user.principal.userId) });
    const verified = kit.events.filter((e) => e.type === 'account.email.verified');
    expect(verified.map((e) => [e.subject, e.data])).toEqual([
      [user.principal.userId, { userId: user.principal.userId, email: 'proof@example.com' }],
    ]);
    // The first-run admin's configured address is proven at creation.
    await kit.service.createAccount(
      { email: 'ops@example.com', password: 'correct horse battery staple' },
      'admin',
      { emailVerified: true },
    );
    expect(kit.events.at(-1)).toMatchObject({ type: 'account.created', data: { emailVerified: true } });
  });

  it('verify - an expired link is refused and spent; a resent one works', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('cy@example.com');
    const old = linkToken(kit, user.principal.userId);
    kit.clock.advance(DEFAULT_EMAIL_VERIFICATION_TTL_MS);
    expect(await codeOf(kit.service.verifyEmail({ token: old }))).toBe('AUTH_EMAIL_VERIFICATION_INVALID');
    await kit.service.resendEmailVerification(user.principal);
    const fresh = linkToken(kit, user.principal.userId);
    expect(fresh).not.toBe(old);
    expect((await kit.service.verifyEmail({ token: fresh })).emailVerified).toBe(true);
    // Verified: no further links.
    const count = kit.events.length;
    await kit.service.resendEmailVerification(user.principal);
    expect(kit.events.length).toBe(count);
  });

  it('resend - links sent again are a minute apart and 5 a UTC day; a refusal sends nothing', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('flood@example.com');
    const links = () => kit.events.filter((e) => e.type === 'account.email.verification.requested').length;
    expect(links()).toBe(1); // the sign-up's own, not counted
    await kit.service.resendEmailVerification(user.principal);
    expect(links()).toBe(2);
    const tooSoon = await kit.service.resendEmailVerification(user.principal).catch((e: unknown) => e);
    expect(tooSoon).toMatchObject({
      code: 'IDENTITY_VERIFICATION_THROTTLED',
      details: { limit: 'too_soon', retryAfterSeconds: 60 },
    });
    expect(links()).toBe(2);
    for (let i = 0; i < 4; i++) {
      kit.clock.advance(DEFAULT_EMAIL_VERIFICATION_RESEND_INTERVAL_MS);
      await kit.service.resendEmailVerification(user.principal);
    }
    expect(links()).toBe(6);
    kit.clock.advance(DEFAULT_EMAIL_VERIFICATION_RESEND_INTERVAL_MS);
    expect(await kit.service.resendEmailVerification(user.principal).catch((e: unknown) => e)).toMatchObject({
      code: 'IDENTITY_VERIFICATION_THROTTLED',
      details: { limit: 'per_user_per_day' },
    });
    expect(links()).toBe(6);
    // Another user's limit is their own.
    const other = await kit.signUpUser('other@example.com');
    await kit.service.resendEmailVerification(other.principal);
    expect(links()).toBe(8);
  });

  it('resend - the limits are options', async () => {
    const kit = createTestIdentity({ emailVerificationResend: { perDay: 1, minIntervalMs: 0 } });
    const user = await kit.signUpUser();
    await kit.service.resendEmailVerification(user.principal);
    expect(await codeOf(kit.service.resendEmailVerification(user.principal))).toBe(
      'IDENTITY_VERIFICATION_THROTTLED',
    );
  });

  it('resend - an API key without account:manage cannot ask for links', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser();
    const { key } = await kit.service.createApiKey(user.principal, { name: 'k', scopes: ['market:read'] });
    const keyPrincipal = await kit.service.authenticateApiKey(key);
    expect(await codeOf(kit.service.resendEmailVerification(keyPrincipal))).toBe('AUTH_FORBIDDEN');
  });
});
