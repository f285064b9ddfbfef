/// <reference lib="dom" />
/**
 * Notifications in the browser: a new user sets quiet hours and a webhook endpoint in the settings
 * page; an administrator sends a notice from Operations; it arrives live in the user's inbox with
 * the unread count (the bell's badge shows the same count), and at the endpoint, and shows in the
 * endpoint's delivery log and the admin's delivery view. Settings survive a reload. The dashboard
 * is an installable PWA: manifest linked, service worker registered and active.
 *
 * SMS and Web Push: a user verifies a phone number with the code the loopback Twilio mock got,
 * marks notices urgent by SMS, and an urgent notice reaches the mock and shows as an `sms`
 * delivery in the admin view. Push: "Enable push" fetches the server's VAPID key and asks
 * Chromium's PushManager to subscribe — headless Chromium has no push service offline, so it
 * refuses ("Registration failed"), and the test says so; the service worker's `push` handler is
 * then driven through DevTools (`ServiceWorker.deliverPushMessage`) with a payload in the shape
 * notify's push channel sends, and the notification it shows is read back.
 */
import { createECDH } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, signIn, signUp, TEST_PASSWORD, uniqueEmail } from './harness/accounts.ts';
import { chromiumBinary, launchBrowser, screenshot } from './harness/browser.ts';
import { openOperations, OperationsSection } from './harness/operations.ts';
import { initialAdmin, startDashboard, type Dashboard } from './harness/dashboard.ts';

/** Server work (matcher → queue → dispatcher → stream) on a busy machine: wait long, assert the outcome. */
const ARRIVAL_MS = 60_000;
const SETUP_MS = 300_000;
const TEST_MS = 600_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that answers 200 and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

interface SentSms {
  to: string;
  body: string;
}

/** A loopback stand-in for Twilio's Messages resource (HTTP Basic auth, form body, 201). */
async function startSmsProvider(
  sid: string,
  token: string,
): Promise<{ url: string; sent: SentSms[]; server: Server }> {
  const sent: SentSms[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const authorized =
        request.headers.authorization === `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
      if (request.url !== `/2010-04-01/Accounts/${sid}/Messages.json` || !authorized) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"code":20003}');
        return;
      }
      const form = new URLSearchParams(body);
      sent.push({ to: form.get('To') ?? '', body: form.get('Body') ?? '' });
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ sid: `SM${sent.length}`, status: 'queued' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent, server };
}

/** A VAPID key pair (P-256, base64url: 65-byte public point, 32-byte private scalar). */
function vapidKeys(): { publicKey: string; privateKey: string } {
  for (;;) {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const privateKey = ecdh.getPrivateKey();
    if (privateKey.length === 32)
      return {
        publicKey: ecdh.getPublicKey().toString('base64url'),
        privateKey: privateKey.toString('base64url'),
      };
  }
}

const SMS_SID = 'AC00000000000000000000000000000e2e';
const SMS_TOKEN = 'e2e-sms-token';

/** An HH:MM a few hours from now in UTC, so quiet hours set in the test never hold the notice. */
function utcTimeInHours(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:00`;
}

describe.skipIf(!chromiumBinary.available)('web - notifications in the browser', () => {
  let dashboard: Dashboard;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sms: Awaited<ReturnType<typeof startSmsProvider>>;
  const vapid = vapidKeys();
  beforeAll(async () => {
    receiver = await startReceiver();
    sms = await startSmsProvider(SMS_SID, SMS_TOKEN);
    [dashboard, browser] = await Promise.all([
      startDashboard({
        // SMS through the loopback provider; a free user may get a few (the default cap is 0).
        TICKLINE_NOTIFY_SMS_BASE_URL: sms.url,
        TICKLINE_NOTIFY_SMS_ACCOUNT_SID: SMS_SID,
        TICKLINE_NOTIFY_SMS_AUTH_TOKEN: SMS_TOKEN,
        TICKLINE_NOTIFY_SMS_FROM: '+15550000000',
        TICKLINE_NOTIFY_TIERS_FREE_SMS_DAILY_CAP: '5',
        // Free users do not get SMS by default; this run lets them.
        TICKLINE_NOTIFY_TIERS_FREE_ALLOWED_CHANNELS: 'in_app,email,webhook,sms,push',
        TICKLINE_NOTIFY_PUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
        TICKLINE_NOTIFY_PUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
        // The receiver is on loopback: the SSRF guard must allow private targets for this run.
        TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        // The flow makes some 30 API calls in a few seconds when the machine is fast; the free
        // tier's 60 a minute is not what this test is about.
        TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '600',
      }),
      launchBrowser(),
    ]);
    // A dashboard build and a server start on a loaded machine: minutes, not seconds.
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    receiver?.server.close();
    sms?.server.close();
  });

  async function signInAsAdmin(): Promise<Page> {
    const { email, password } = initialAdmin(dashboard);
    const page = await openPage(browser);
    await signIn(page, dashboard.url, email, password);
    return page;
  }

  it(
    'web - settings persist; an admin notice arrives live in the inbox and at the webhook; read state; PWA installed',
    async () => {
      const user = await openPage(browser);
      const email = uniqueEmail('inbox');
      await signUp(user, dashboard.url, email, 'Inbox User');

      // The overview's recent list is the inbox (the welcome entry), not only what arrived live.
      await user
        .getByRole('region', { name: 'Recent notifications' })
        .getByText('Your account is ready')
        .waitFor({ timeout: ARRIVAL_MS });

      // The bell links to the inbox; the welcome notification is there (in-app is the free default).
      await user.getByRole('button', { name: /^Notifications/ }).click();
      await user.getByRole('link', { name: 'Open inbox' }).click();
      await user.getByRole('heading', { name: 'Inbox' }).waitFor();
      await user.getByText('Your account is ready').waitFor({ timeout: ARRIVAL_MS });
      await user.getByTestId('inbox-unread').filter({ hasText: /^1$/ }).waitFor();

      // Settings: a kind without a rule goes to webhooks already (an endpoint is its own
      // subscription: nothing to tick for one that takes "all kinds"); quiet hours away from now, in UTC.
      await user.getByRole('link', { name: 'Notification settings' }).click();
      await user.getByRole('heading', { name: 'Notification settings' }).waitFor();
      const noticeByWebhook = user.getByLabel('Notice from the operators by Webhook');
      await noticeByWebhook.waitFor();
      expect(await noticeByWebhook.isChecked()).toBe(true);
      const quietStart = utcTimeInHours(3);
      const quietEnd = utcTimeInHours(5);
      await user.getByLabel('Time zone', { exact: true }).fill('UTC');
      await user.getByLabel(/Hold notifications during quiet hours/).check();
      await user.getByLabel('From', { exact: true }).fill(quietStart);
      await user.getByLabel('Until', { exact: true }).fill(quietEnd);
      await user.getByRole('button', { name: 'Save', exact: true }).click();
      await user.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

      await user.getByLabel('URL', { exact: true }).fill(receiver.url);
      await user.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = await user.getByTestId('webhook-secret').textContent();
      expect(secret).toMatch(/^whsec_/);
      await user.getByRole('button', { name: 'Done' }).click();
      await user.locator(`li[data-endpoint="${receiver.url}"]`).waitFor();

      // Persisted: a reload reads them back from the server.
      await user.reload();
      await user.getByRole('heading', { name: 'Notification settings' }).waitFor();
      expect(await user.getByLabel('Notice from the operators by Webhook').isChecked()).toBe(true);
      expect(await user.getByLabel('Time zone', { exact: true }).inputValue()).toBe('UTC');
      expect(await user.getByLabel('From', { exact: true }).inputValue()).toBe(quietStart);
      expect(await user.getByLabel('Until', { exact: true }).inputValue()).toBe(quietEnd);
      await user.locator(`li[data-endpoint="${receiver.url}"]`).getByText('Active').waitFor();
      await screenshot(user, 'notification-settings', { fullPage: true });

      // Email goes to the account's own address once its link was opened: on this server (no SMTP)
      // an admin hands out the link, so it is unproven and the form says nothing is sent there.
      // Another address needs a code sent to it, which this server cannot send: the form says so,
      // with the error's code, and nothing changes.
      const unproven = `Email goes to ${email} · not verified: nothing is sent there`;
      await user.getByTestId('email-status').getByText(unproven).waitFor();
      await user.getByLabel('Email address', { exact: true }).fill('elsewhere@example.net');
      await user.getByRole('button', { name: 'Save', exact: true }).click();
      await user.getByText(/\(NOTIFY_CHANNEL_NOT_CONFIGURED\)/).waitFor();
      await screenshot(user, 'notification-email-unverified', { fullPage: true });
      await user.reload();
      await user.getByTestId('email-status').getByText(unproven).waitFor();

      // The inbox is open when the notice is sent: it must arrive without a reload.
      await user.getByRole('link', { name: 'inbox', exact: true }).click();
      await user.getByRole('heading', { name: 'Inbox' }).waitFor();
      await user.getByTestId('inbox-unread').filter({ hasText: /^1$/ }).waitFor();

      const admin = await signInAsAdmin();
      await openOperations(admin, OperationsSection.Notifications);
      await admin.getByLabel('Title', { exact: true }).fill('Maintenance tonight');
      await admin.getByLabel('Notice text').fill('Trading pauses at 23:00 UTC for ten minutes.');
      await admin.getByRole('button', { name: 'Send notification' }).click();
      // The answer, or the form's error (so a refusal fails with its message, not a timeout).
      const form = admin.locator('form[aria-labelledby="notice-title"]');
      await form
        .getByTestId('notice-result')
        .or(form.locator('.form-error'))
        .waitFor({ timeout: ARRIVAL_MS });
      expect(await form.locator('.form-error').count(), await form.innerText()).toBe(0);

      const notice = user.locator('.inbox-item', { hasText: 'Maintenance tonight' });
      await notice.waitFor({ timeout: ARRIVAL_MS });
      await user.getByTestId('inbox-unread').filter({ hasText: /^2$/ }).waitFor();
      expect(await notice.getAttribute('class')).toContain('inbox-item-unread');
      // The bell shows the inbox's count, not a count of its own (live delivery, inbox open).
      const bell = user.getByRole('button', { name: /^Notifications/ });
      await user.getByRole('button', { name: 'Notifications, 2 unread', exact: true }).waitFor();
      await screenshot(user, 'inbox');

      await notice.getByRole('button', { name: /^Mark .* read$/ }).click();
      await user.getByTestId('inbox-unread').filter({ hasText: /^1$/ }).waitFor();
      await user.getByRole('button', { name: 'Notifications, 1 unread', exact: true }).waitFor();
      // A second session (another device, or a tab signed in on its own: the session is per tab)
      // marks everything read: this tab's inbox and bell follow the stream.
      const other = await openPage(browser);
      await signIn(other, dashboard.url, email, TEST_PASSWORD);
      await other.goto(`${dashboard.url}/notifications`);
      await other.getByTestId('inbox-unread').filter({ hasText: /^1$/ }).waitFor();
      await other.getByRole('button', { name: 'Mark all read' }).click();
      await other.getByTestId('inbox-unread').filter({ hasText: /^0$/ }).waitFor();
      await user.getByTestId('inbox-unread').filter({ hasText: /^0$/ }).waitFor({ timeout: ARRIVAL_MS });
      await user.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
      expect(await bell.locator('.badge').count()).toBe(0);
      await other.context().close();
      await user.reload();
      await user.getByTestId('inbox-unread').filter({ hasText: /^0$/ }).waitFor();
      await user.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

      // The endpoint got it, signed per Standard Webhooks, and its delivery log shows it.
      await expect
        .poll(() => receiver.received.filter((r) => r.body.includes('Maintenance tonight')).length, {
          timeout: ARRIVAL_MS,
          interval: 500,
        })
        .toBe(1);
      const delivered = receiver.received.find((r) => r.body.includes('Maintenance tonight'))!;
      expect(delivered.headers['webhook-id']).toEqual(expect.any(String));
      expect(delivered.headers['webhook-signature']).toMatch(/^v1,/);
      await user.goto(`${dashboard.url}/settings/notifications`);
      const endpoint = user.locator(`li[data-endpoint="${receiver.url}"]`);
      await endpoint.getByRole('button', { name: 'Delivery log' }).click();
      await endpoint.locator('tr[data-ok="true"]').first().waitFor({ timeout: ARRIVAL_MS });
      expect(await endpoint.locator('tr[data-ok="true"]').first().textContent()).toContain('200');

      // The admin's delivery view lists the deliveries with their state.
      await admin.locator('tr[data-status="delivered"]').first().waitFor({ timeout: ARRIVAL_MS });
      await admin.getByRole('heading', { name: 'Notification deliveries' }).scrollIntoViewIfNeeded();
      await screenshot(admin, 'notification-deliveries');

      // Installable: the manifest is linked and served, the service worker is registered and active.
      const pwa = await user.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
        const manifest = link
          ? ((await (await fetch(link.href)).json()) as { name?: string; icons?: unknown[] })
          : null;
        const registration = await navigator.serviceWorker.ready;
        return {
          manifestName: manifest?.name,
          icons: manifest?.icons?.length ?? 0,
          worker: registration.active?.scriptURL,
          scope: registration.scope,
        };
      });
      expect(pwa).toEqual({
        manifestName: 'Tickline',
        icons: 3,
        worker: `${dashboard.url}/sw.js`,
        scope: `${dashboard.url}/`,
      });
      await admin.context().close();
      await user.context().close();
    },
    TEST_MS,
  );
  it(
    'web - an urgent notice goes by SMS to a verified number and shows in the admin view; the service worker shows a push',
    async () => {
      const user = await openPage(browser);
      await signUp(user, dashboard.url, uniqueEmail('sms'), 'Sms User');
      await user.goto(`${dashboard.url}/settings/notifications`);
      await user.getByRole('heading', { name: 'Notification settings' }).waitFor();

      // The number is verified with the code the provider was asked to send.
      const phone = `+1555${String(Date.now()).slice(-7)}`;
      await user.getByLabel('Phone number').fill(phone);
      await user.getByRole('button', { name: 'Send code' }).click();
      await expect
        .poll(() => sms.sent.filter((m) => m.to === phone).length, { timeout: ARRIVAL_MS, interval: 250 })
        .toBe(1);
      const code = /\b(\d{6})\b/.exec(sms.sent.find((m) => m.to === phone)!.body)?.[1];
      expect(code).toMatch(/^\d{6}$/);
      await user.getByLabel('Code', { exact: true }).fill(code!);
      await user.getByRole('button', { name: 'Verify' }).click();
      await user.getByText(`${phone} · verified`).waitFor();

      // Notices by SMS, marked urgent (SMS only carries urgent kinds).
      for (const label of ['Notice from the operators by SMS', 'Notice from the operators is urgent']) {
        await user.getByLabel(label).check();
        await user.waitForFunction(
          (name) => document.querySelector<HTMLInputElement>(`[aria-label="${name}"]`)?.disabled === false,
          label,
        );
      }

      const admin = await signInAsAdmin();
      await openOperations(admin, OperationsSection.Notifications);
      await admin.getByLabel('Title', { exact: true }).fill('Exchange halted');
      await admin.getByLabel('Notice text').fill('Trading is halted until further notice.');
      await admin.getByLabel('Urgent (may go by SMS)').check();
      await admin.getByRole('button', { name: 'Send notification' }).click();
      await admin.getByTestId('notice-result').waitFor();

      await expect
        .poll(() => sms.sent.filter((m) => m.to === phone && m.body.includes('Exchange halted')).length, {
          timeout: ARRIVAL_MS,
          interval: 500,
        })
        .toBe(1);
      const deliveries = admin.locator('section[aria-labelledby="deliveries-title"]');
      await deliveries.getByLabel('Channel').selectOption('sms');
      await deliveries
        .locator('tr[data-status="delivered"]', { has: admin.locator(`code[title="${phone}"]`) })
        .first()
        .waitFor({ timeout: ARRIVAL_MS });
      await admin.getByRole('heading', { name: 'Notification deliveries' }).scrollIntoViewIfNeeded();
      await screenshot(admin, 'notification-deliveries-sms');

      // Push: the settings page asks PushManager with the server's VAPID key.
      await user.context().grantPermissions(['notifications'], { origin: dashboard.url });
      const keyResponse = user.waitForResponse((r) =>
        r.url().endsWith('/push-subscriptions/vapid-public-key'),
      );
      await user.getByRole('button', { name: 'Enable push' }).click();
      expect(JSON.stringify(await (await keyResponse).json())).toContain(vapid.publicKey);
      const push = user.locator('section[aria-labelledby="push-title"]');
      const outcome = await Promise.race([
        push
          .getByText('Enabled on this device')
          .waitFor({ timeout: ARRIVAL_MS })
          .then(() => 'subscribed'),
        push
          .getByText(/Registration failed/)
          .waitFor({ timeout: ARRIVAL_MS })
          .then(() => 'no push service'),
      ]);
      // Offline, headless Chromium has no push service to register with: subscribe is refused.
      expect(['subscribed', 'no push service']).toContain(outcome);
      console.info(`web push: PushManager.subscribe in this Chromium → ${outcome}`);

      // The service worker's push handler, driven by DevTools with notify's payload shape.
      const cdp = await user.context().newCDPSession(user);
      const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
      await cdp.send('ServiceWorker.enable');
      await expect
        .poll(() => registrations.some((r) => r.scopeURL === `${dashboard.url}/`), { timeout: ARRIVAL_MS })
        .toBe(true);
      const registrationId = registrations.find((r) => r.scopeURL === `${dashboard.url}/`)!.registrationId;
      const payload = {
        id: '019a0000-0000-7000-8000-00000000e2e1',
        kind: 'admin.notice',
        title: 'Exchange halted',
        body: 'Trading is halted until further notice.',
        url: '/notifications',
      };
      // A push sent before the registration has an active worker is dropped (CI saw it once under
      // load): wait until the worker is active, and send again on each poll — the notice's tag is its
      // id, so a second delivery replaces the first instead of adding one.
      await user.evaluate(async () => void (await navigator.serviceWorker.ready));
      const deliver = () =>
        cdp.send('ServiceWorker.deliverPushMessage', {
          origin: dashboard.url,
          registrationId,
          data: JSON.stringify(payload),
        });
      await deliver();
      let polls = 0;
      await expect
        .poll(
          async () => {
            if (++polls % 8 === 0) await deliver();
            return user.evaluate(async () =>
              (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
                title: n.title,
                body: n.body,
                tag: n.tag,
                url: (n.data as { url?: string } | null)?.url,
              })),
            );
          },
          { timeout: ARRIVAL_MS, interval: 250 },
        )
        .toEqual([{ title: payload.title, body: payload.body, tag: payload.id, url: payload.url }]);
      await cdp.detach();
      await admin.context().close();
      await user.context().close();
    },
    TEST_MS,
  );
});
