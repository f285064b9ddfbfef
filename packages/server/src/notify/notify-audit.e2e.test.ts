/**
 * A hostile user's audit of a running `tickline start` (notify and identity, round 4), each finding
 * over HTTP against the real process with SMTP and a Twilio stand-in: SIIT-translated webhook and
 * push addresses are refused; the verification mail cannot be aimed at an inbox over and over; an
 * admin's tier change reaches notify, for requests and for deliveries planned from events; the
 * phone route answers a JSON object; notify's `emailVerified` is the account's real state, and an
 * address never proven gets no notification mail.
 */
import type { SmtpReceiver, TwilioMock } from '@tickline/notify/testing';
import { until, type RunningServer } from '@tickline/testing';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, callJson, TEST_PASSWORD, type TestUser } from '../testing/api-clients.ts';
import { startMailSmsServer, type MailSmsServer } from '../testing/mail-sms-server.ts';
import { verificationTokens, verifyAccountEmail } from '../testing/verify-email.ts';

const ARRIVAL_MS = 60_000;
/** After a delivery that did arrive, how long one that should not is given to show up anyway. */
const QUIET_MS = 1_500;

describe('notify and identity - audit round 4', () => {
  const vapid = webpush.generateVAPIDKeys();
  let world: MailSmsServer;
  let server: RunningServer;
  let smtp: SmtpReceiver;
  let twilio: TwilioMock;
  let admin: string;

  beforeAll(async () => {
    // The default tiers: free has no SMS (cap 0), premium has 5 a day.
    world = await startMailSmsServer('notify-audit', {
      TICKLINE_NOTIFY_PUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      TICKLINE_NOTIFY_PUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
    });
    ({ server, smtp, twilio, admin } = world);
  }, 180_000);
  afterAll(() => world?.stop());

  const api = (user: TestUser, method: string, path: string, body?: unknown) =>
    world.api(user, method, path, body);
  const user = (name: string) => world.user(name);
  const mailsTo = (address: string) => world.mailsTo(address);
  const notice = (userId: string, title: string) =>
    callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title, message: `${title} body`, userId },
    });
  const inboxHas = async (u: TestUser, title: string) =>
    ((await api(u, 'GET', '/notifications?limit=50')).body?.items ?? []).some(
      (i: { title: string }) => i.title === title,
    );
  /** A fresh session, whose token carries the tier as it is now. */
  const signInAgain = async (u: TestUser): Promise<TestUser> => ({
    ...u,
    accessToken: await accessTokenFor(server.url, u.email, TEST_PASSWORD),
  });
  const setTier = async (u: TestUser, tier: string) => {
    const changed = await callJson(server.url, 'PATCH', `/api/v1/admin/users/${u.userId}`, {
      bearer: admin,
      body: { tier },
    });
    expect(changed.status).toBe(200);
    const again = await signInAgain(u);
    expect((await api(again, 'GET', '/me')).body.tier).toBe(tier);
    return again;
  };

  it('notify - webhook and push URLs in SIIT’s IPv4-translated prefix (::ffff:0:0:0/96) are refused', async () => {
    const u = await user('siit');
    for (const url of [
      'http://[::ffff:0:7f00:1]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[::ffff:0:a00:5]/',
    ]) {
      const hook = await api(u, 'POST', '/webhooks', { url });
      expect([hook.status, hook.body.error?.code, hook.body.error?.details?.reason], url).toEqual([
        400,
        'NOTIFY_URL_REJECTED',
        'private_address',
      ]);
      const push = await api(u, 'POST', '/push-subscriptions', {
        endpoint: `${url}push/1`,
        keys: { p256dh: 'BPp256dhkeyforthetest', auth: 'authsecret' },
      });
      expect([push.status, push.body.error?.code, push.body.error?.details?.reason], url).toEqual([
        400,
        'NOTIFY_URL_REJECTED',
        'private_address',
      ]);
    }
    expect((await api(u, 'GET', '/webhooks')).body.endpoints).toHaveLength(0);
    expect((await api(u, 'GET', '/push-subscriptions')).body.subscriptions).toHaveLength(0);
  });

  it('identity - asking for the verification link again is rationed per user; a refusal mails nothing', async () => {
    const u = await user('flood');
    const statuses: number[] = [];
    const refusals: Array<{ code: string; limit: string; retryAfter: string | null }> = [];
    for (let i = 0; i < 22; i++) {
      const answer = await api(u, 'POST', '/me/email/verification');
      statuses.push(answer.status);
      if (answer.status === 429)
        refusals.push({
          code: answer.body.error.code,
          limit: answer.body.error.details.limit,
          retryAfter: answer.headers.get('retry-after'),
        });
    }
    expect(statuses[0]).toBe(204);
    expect(statuses.slice(1)).toEqual(Array.from({ length: 21 }, () => 429));
    expect(new Set(refusals.map((r) => `${r.code}:${r.limit}`))).toEqual(
      new Set(['IDENTITY_VERIFICATION_THROTTLED:too_soon']),
    );
    expect(Number(refusals[0]!.retryAfter)).toBeGreaterThan(0);
    expect(Number(refusals[0]!.retryAfter)).toBeLessThanOrEqual(60);
    // The sign-up's link and the one sent again: two mails, however long one waits.
    await until(() => verificationTokens(smtp, u.email).length === 2, {
      timeoutMs: ARRIVAL_MS,
      what: 'the two links',
    });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(mailsTo(u.email)).toHaveLength(2);
  });

  it('notify - an admin’s tier change reaches notify: an upgrade allows SMS, for the request and for deliveries; a downgrade takes it back', async () => {
    let u = await user('tier');
    const phone = `+1555${String(Date.now()).slice(-7)}`;
    const refused = await api(u, 'POST', '/notification-phone', { phone });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'NOTIFY_CHANNEL_NOT_ENTITLED']);

    u = await setTier(u, 'premium');
    const started = await api(u, 'POST', '/notification-phone', { phone });
    expect(started.status).toBe(202);
    // A JSON object, as the OpenAPI document says (it answered the literal `null` before).
    expect(started.body).toEqual({ status: 'code_sent', phone, expiresAt: expect.any(String) });
    expect(Date.parse(started.body.expiresAt)).toBeGreaterThan(Date.now());
    await until(() => twilio.sent.some((m) => m.to === phone), { timeoutMs: ARRIVAL_MS, what: 'the code' });
    const code = /code is (\d{6})/.exec(twilio.sent.find((m) => m.to === phone)!.body)![1]!;
    expect((await api(u, 'POST', '/notification-phone/confirm', { code })).status).toBe(200);
    const rule = await api(u, 'PUT', '/notification-rules/admin.notice', {
      channels: ['in_app', 'sms'],
      urgent: true,
    });
    expect(rule.status).toBe(200);

    // A notice planned from the event log: notify's own copy of the tier says premium now.
    expect((await notice(u.userId, 'As premium')).status).toBe(202);
    await until(() => twilio.sent.some((m) => m.to === phone && m.body.includes('As premium')), {
      timeoutMs: ARRIVAL_MS,
      what: 'the SMS of a premium account',
    });

    u = await setTier(u, 'free');
    const again = await api(u, 'POST', '/notification-phone', { phone });
    expect([again.status, again.body.error.code]).toEqual([403, 'NOTIFY_CHANNEL_NOT_ENTITLED']);
    expect((await notice(u.userId, 'As free')).status).toBe(202);
    await until(() => inboxHas(u, 'As free'), { timeoutMs: ARRIVAL_MS, intervalMs: 100, what: 'the notice' });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(twilio.sent.filter((m) => m.body.includes('As free'))).toEqual([]);
  });

  it('notify - emailVerified is the account’s own state, and an address never proven gets no notification mail', async () => {
    const u = await user('unproven');
    expect(
      (await api(u, 'PUT', '/notification-rules/admin.notice', { channels: ['in_app', 'email'] })).status,
    ).toBe(200);
    expect((await api(u, 'GET', '/me')).body.emailVerified).toBe(false);
    expect((await api(u, 'GET', '/notification-rules')).body.settings).toMatchObject({
      email: u.email,
      emailVerified: false,
    });
    expect((await notice(u.userId, 'Before the link')).status).toBe(202);
    await until(() => inboxHas(u, 'Before the link'), {
      timeoutMs: ARRIVAL_MS,
      intervalMs: 100,
      what: 'the notice',
    });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(mailsTo(u.email).filter((m) => m.mail.subject?.includes('Before the link'))).toEqual([]);

    await verifyAccountEmail(server.url, smtp, u);
    expect((await api(u, 'GET', '/me')).body.emailVerified).toBe(true);
    expect((await api(u, 'GET', '/notification-rules')).body.settings.emailVerified).toBe(true);
    expect((await notice(u.userId, 'After the link')).status).toBe(202);
    await until(() => mailsTo(u.email).some((m) => m.mail.subject?.includes('After the link')), {
      timeoutMs: ARRIVAL_MS,
      what: 'the notice by mail',
    });
  });
});
