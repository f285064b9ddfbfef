/**
 * Security notices (issue 29, Low), over HTTP against `tickline start`: the `security` kind was
 * offered as a rule kind while nothing published it. Every change the kind covers now reaches the
 * user through the notify engine — the inbox, and a webhook their rules add — critical, naming the
 * change: a sign-in from a device (user agent family) or address new to the account, a password
 * change, a new API key, two-factor turned on and off; a sign-in from a known device and address
 * does not. The server trusts a proxy on loopback here (`http.trustProxy`), so the address a notice
 * names is the one the proxy forwarded.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTotp } from '@tickline/identity/internal';
import { systemClock } from '@tickline/kernel';
import { until, embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, TEST_PASSWORD } from '../testing/api-clients.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const NEW_SIGN_IN = 'New sign-in from Firefox on Linux';
const SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const NEW_SAFARI = 'New sign-in from Safari on macOS';

interface Notice {
  title: string;
  body: string;
  kind: string;
}

describe('accounts - security changes reach their user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-security-notices-'));
  let server: RunningServer;
  let receiver: Server;
  let receiverUrl: string;
  const webhooks: Array<{ type: string; data: { title: string; body: string } }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        webhooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startTicklineServer({
      ...embeddedTestEnv(dataDir),
      TICKLINE_HTTP_TRUST_PROXY: 'loopback',
      TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    });
  }, 180_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    receiver?.closeAllConnections();
    receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = (email: string, headers: Record<string, string>) =>
    callJson(server.url, 'POST', '/api/v1/auth/sign-in', {
      body: { email, password: TEST_PASSWORD },
      headers,
    });
  const inbox = async (bearer: string): Promise<Notice[]> =>
    (await callJson(server.url, 'GET', '/api/v1/notifications?limit=50', { bearer })).body.items as Notice[];

  it('accounts - each new device is announced once, naming it; password, API key and two-factor changes are too', async () => {
    const user = await signUpAndIn(server.url, `sec-${Date.now()}@example.test`);
    const bearer = user.accessToken;
    const rules = await callJson(server.url, 'PUT', '/api/v1/notification-rules/security', {
      bearer,
      body: { channels: ['in_app', 'webhook'] },
    });
    expect(rules.status).toBe(200);
    expect(
      (await callJson(server.url, 'POST', '/api/v1/webhooks', { bearer, body: { url: receiverUrl } })).status,
    ).toBe(201);

    // Signed up and in from this test's client: known. Firefox through the proxy: new.
    const firefox = { 'user-agent': FIREFOX, 'x-forwarded-for': '203.0.113.7' };
    expect((await signIn(user.email, firefox)).status).toBe(200);
    let notices: Notice[] = [];
    await until(
      async () => {
        notices = await inbox(bearer);
        return notices.some((n) => n.title === NEW_SIGN_IN);
      },
      { timeoutMs: 30_000, what: 'the new sign-in notice in the inbox' },
    );
    const [notice] = notices.filter((n) => n.title === NEW_SIGN_IN);
    expect(notice).toMatchObject({ kind: 'security' });
    expect(notice!.body).toContain('203.0.113.7');
    await until(async () => webhooks.some((w) => w.data.title === NEW_SIGN_IN), {
      timeoutMs: 30_000,
      what: 'the new sign-in notice at the webhook',
    });
    expect(webhooks.find((w) => w.data.title === NEW_SIGN_IN)).toMatchObject({
      type: 'notification.security',
    });

    // The same device and address again: nothing new.
    expect((await signIn(user.email, firefox)).status).toBe(200);
    // Another browser from the address the account signed up from: a new device, announced once.
    expect((await signIn(user.email, { 'user-agent': SAFARI })).status).toBe(200);
    expect((await signIn(user.email, { 'user-agent': SAFARI })).status).toBe(200);

    const changed = await callJson(server.url, 'POST', '/api/v1/me/password', {
      bearer,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'another-long-password-42' },
    });
    expect(changed.status).toBe(200);
    const after = changed.body.accessToken as string;
    const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
      bearer: after,
      body: { name: 'bot', scopes: ['market:read'] },
    });
    expect(created.status).toBe(201);

    // Two-factor on, then off (the second code is the next time step: a code works once).
    const totp = createTotp({ clock: systemClock, issuer: 'Tickline' });
    const enrolled = await callJson(server.url, 'POST', '/api/v1/me/totp', { bearer: after });
    expect(enrolled.status).toBe(200);
    const secret = enrolled.body.secret as string;
    const activated = await callJson(server.url, 'POST', '/api/v1/me/totp/activate', {
      bearer: after,
      body: { code: await totp.codeAt(secret, Date.now()) },
    });
    expect(activated.status).toBe(200);
    const disabled = await callJson(server.url, 'POST', '/api/v1/me/totp/disable', {
      bearer: after,
      body: { code: await totp.codeAt(secret, Date.now() + 30_000) },
    });
    expect(disabled.status).toBe(204);

    const expected = [
      'Security: password changed',
      'Security: api key created',
      'Security: two factor enabled',
      'Security: two factor disabled',
    ];
    let titles: string[] = [];
    await until(
      async () => {
        titles = (await inbox(after)).map((n) => n.title);
        return expected.every((t) => titles.includes(t));
      },
      { timeoutMs: 30_000, what: `${expected.join(', ')} in the inbox` },
    );
    // The notices of one user arrive in order: the repeat sign-ins, published before the password
    // change, would be in by now. Each new device once; the known ones never.
    expect(titles.filter((t) => t.startsWith('New sign-in')).sort()).toEqual(
      [NEW_SIGN_IN, NEW_SAFARI].sort(),
    );
    await until(() => expected.every((t) => webhooks.some((w) => w.data.title === t)), {
      timeoutMs: 30_000,
      what: 'every security notice at the webhook',
    });
  });
});
