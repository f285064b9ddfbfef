/**
 * Notify's findings of issue 29 (Medium 5, Low), each over HTTP against `tickline start`: a
 * notification email is proven by a code sent to it before anything goes there; a user cannot
 * raise their rate limit above their tier's; tier channel entitlements hold; phone verification
 * is throttled and counted in the SMS cap; webhook URLs in IPv6 translation prefixes are refused;
 * admin notice titles with CR/LF are refused.
 */
import type { SmtpReceiver, TwilioMock } from '@tickline/notify/testing';
import { until, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, type TestUser } from '../testing/api-clients.ts';
import { startMailSmsServer, type MailSmsServer } from '../testing/mail-sms-server.ts';
import { verifyAccountEmail } from '../testing/verify-email.ts';

const ARRIVAL_MS = 60_000;

describe('notify - hardening round 3', () => {
  let world: MailSmsServer;
  let server: RunningServer;
  let smtp: SmtpReceiver;
  let twilio: TwilioMock;
  let admin: string;

  beforeAll(async () => {
    world = await startMailSmsServer('notify-hardening', {
      // This run's free tier: SMS (3 a day), webhooks, no push.
      TICKLINE_NOTIFY_TIERS_FREE_ALLOWED_CHANNELS: 'in_app,email,webhook,sms',
      TICKLINE_NOTIFY_TIERS_FREE_SMS_DAILY_CAP: '3',
    });
    ({ server, smtp, twilio, admin } = world);
  }, 180_000);
  afterAll(() => world?.stop());

  const api = (user: TestUser, method: string, path: string, body?: unknown) =>
    world.api(user, method, path, body);
  const user = (name: string) => world.user(name);
  const mailsTo = (address: string) => world.mailsTo(address);

  it('notify - a notification email is used only after the code sent to it comes back', async () => {
    const u = await user('verify-mail');
    // The account's own address is mailed only once its link was opened (sign-up proves nothing).
    await verifyAccountEmail(server.url, smtp, u);
    await api(u, 'PUT', '/notification-rules/admin.notice', { channels: ['email'] });
    const other = `elsewhere-${Date.now()}@example.net`;
    const patched = await api(u, 'PATCH', '/notification-rules', { email: other });
    expect(patched.status).toBe(200);
    // Nothing changes until the address is proven: email keeps going to the account's address.
    expect(patched.body).toMatchObject({ email: u.email, emailVerified: true, pendingEmail: other });
    await until(() => mailsTo(other).length === 1, {
      timeoutMs: ARRIVAL_MS,
      what: 'the code at the new address',
    });
    const code = /\b(\d{6})\b/.exec(mailsTo(other)[0]!.mail.text ?? '')![1]!;

    await callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title: 'Before proof', message: 'm', userId: u.userId },
    });
    await until(() => mailsTo(u.email).some((m) => m.mail.subject?.includes('Before proof')), {
      timeoutMs: ARRIVAL_MS,
      what: 'the notice at the account address',
    });
    expect(mailsTo(other).some((m) => m.mail.subject?.includes('Before proof'))).toBe(false);

    const wrong = await api(u, 'POST', '/notification-email/confirm', {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('NOTIFY_EMAIL_NOT_VERIFIED');
    const confirmed = await api(u, 'POST', '/notification-email/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ email: other, emailVerified: true, pendingEmail: null });

    await callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title: 'After proof', message: 'm', userId: u.userId },
    });
    await until(() => mailsTo(other).some((m) => m.mail.subject?.includes('After proof')), {
      timeoutMs: ARRIVAL_MS,
      what: 'the notice at the proven address',
    });
  });

  it('notify - the rate limit is min(user, tier): a user cannot raise their own', async () => {
    const u = await user('rate');
    const raised = await api(u, 'PATCH', '/notification-rules', { rateLimitPerHour: 100_000 });
    expect(raised.status).toBe(200);
    expect(raised.body.rateLimitPerHour).toBe(30); // the free tier's
    const lowered = await api(u, 'PATCH', '/notification-rules', { rateLimitPerHour: 5 });
    expect(lowered.body.rateLimitPerHour).toBe(5);
  });

  it('notify - channels outside the tier are refused with NOTIFY_CHANNEL_NOT_ENTITLED', async () => {
    const u = await user('entitled');
    const push = await api(u, 'PUT', '/notification-rules/admin.notice', { channels: ['in_app', 'push'] });
    expect(push.status).toBe(403);
    expect(push.body.error).toMatchObject({
      code: 'NOTIFY_CHANNEL_NOT_ENTITLED',
      details: { channel: 'push' },
    });
    // Nothing was stored: the kind still has the tier's default.
    const rules = await api(u, 'GET', '/notification-rules');
    expect(rules.body.rules.find((r: { kind: string }) => r.kind === 'admin.notice')).toMatchObject({
      isDefault: true,
    });
  });

  it('notify - phone verification is throttled per user and counted in the SMS cap', async () => {
    const u = await user('phone');
    const before = twilio.sent.length;
    expect((await api(u, 'POST', '/notification-phone', { phone: '+15551230001' })).status).toBe(202);
    // Immediately again (another number): refused, nothing texted.
    const again = await api(u, 'POST', '/notification-phone', { phone: '+15551230002' });
    expect(again.status).toBe(429);
    expect(again.body.error).toMatchObject({
      code: 'NOTIFY_VERIFICATION_THROTTLED',
      details: { limit: 'too_soon' },
    });
    expect(twilio.sent.length).toBe(before + 1);
  });

  it('notify - webhook URLs in IPv6 translation prefixes are refused at registration', async () => {
    const u = await user('ipv6');
    for (const url of [
      'http://[::127.0.0.1]/hook',
      'http://[::ffff:7f00:1]/hook',
      'http://[64:ff9b:1::a00:1]/hook',
      'http://[2002:7f00:1::]/hook',
    ]) {
      const r = await api(u, 'POST', '/webhooks', { url });
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toMatchObject({
        code: 'NOTIFY_URL_REJECTED',
        details: { reason: 'private_address' },
      });
    }
    expect((await api(u, 'GET', '/webhooks')).body.endpoints).toHaveLength(0);
  });

  it('notify - an admin notice title with CR/LF is refused and nothing is sent', async () => {
    const refused = await callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title: 'Maintenance\r\nX-Injected: yes', message: 'm' },
    });
    expect(refused.status).toBe(400);
  });
});
