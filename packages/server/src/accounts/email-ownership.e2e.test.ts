/**
 * Verification proves ownership (issue 29, High 1), over HTTP against `tickline start` with SMTP:
 * someone who signs up with another person's address and points their notification email at a
 * mailbox they own never receives a link for the address they signed up with, so the account's
 * email stays unverified (OIDC linking trusts it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtpReceiver, type SmtpReceiver } from '@tickline/notify/testing';
import { until, embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn } from '../testing/api-clients.ts';

const ARRIVAL_MS = 60_000;
/** The link as mailed: absolute, on `http.publicUrl` (notify.publicBaseUrl is unset here). */
const LINK = /http:\/\/tickline\.test\/verify-email\?token=([A-Za-z0-9_-]+)/;

describe('accounts - email verification proves the mailbox', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-email-ownership-'));
  let server: RunningServer;
  let smtp: SmtpReceiver;
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    server = await startTicklineServer(
      embeddedTestEnv(dataDir, {
        TICKLINE_NOTIFY_EMAIL_HOST: '127.0.0.1',
        TICKLINE_NOTIFY_EMAIL_PORT: String(smtp.port),
        // Links point at the public URL: notify.publicBaseUrl falls back to it.
        TICKLINE_HTTP_PUBLIC_URL: 'http://tickline.test',
      }),
    );
    admin = await initialAdminToken(server.url, dataDir);
  }, 180_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await smtp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const mailsTo = (address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));
  const links = (address: string) =>
    mailsTo(address).flatMap((m) => {
      const found = LINK.exec(`${m.mail.text ?? ''}${typeof m.mail.html === 'string' ? m.mail.html : ''}`);
      return found ? [found[1]!] : [];
    });

  it('accounts - a verification link goes only to the address it verifies, never to the notification email', async () => {
    const stamp = Date.now();
    const victim = `victim-${stamp}@corp.example`;
    const attacker = `attacker-${stamp}@evil.example`;
    const user = await signUpAndIn(server.url, victim);
    const api = (method: string, path: string, body?: unknown) =>
      callJson(server.url, method, `/api/v1${path}`, { bearer: user.accessToken, ...(body ? { body } : {}) });

    // The sign-up's link went to the address signed up with.
    await until(() => links(victim).length === 1, { timeoutMs: ARRIVAL_MS, what: 'the sign-up link' });

    // Notifications pointed at the attacker's own mailbox, proven with the code sent there.
    expect((await api('PATCH', '/notification-rules', { email: attacker })).status).toBe(200);
    await until(() => mailsTo(attacker).length === 1, { timeoutMs: ARRIVAL_MS, what: 'the code' });
    const code = /\b(\d{6})\b/.exec(mailsTo(attacker)[0]!.mail.text ?? '')![1]!;
    const confirmed = await api('POST', '/notification-email/confirm', { code });
    expect(confirmed.body).toMatchObject({ email: attacker, emailVerified: true });

    // A new verification link is asked for: it goes to the victim's address again, not the attacker's.
    expect((await api('POST', '/me/email/verification')).status).toBe(204);
    await until(() => links(victim).length === 2, { timeoutMs: ARRIVAL_MS, what: 'the second link' });
    // Whatever the pipeline sends after it has reached the attacker's mailbox too.
    await callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title: 'Barrier', message: 'm', userId: user.userId },
    });
    const kinds = await api('PUT', '/notification-rules/admin.notice', { channels: ['email'] });
    expect(kinds.status).toBe(200);
    await callJson(server.url, 'POST', '/api/v1/admin/notify/notices', {
      bearer: admin,
      body: { title: 'Barrier 2', message: 'm', userId: user.userId },
    });
    await until(() => mailsTo(attacker).some((m) => m.mail.subject?.includes('Barrier 2')), {
      timeoutMs: ARRIVAL_MS,
      what: 'a later notice at the notification email',
    });
    expect(links(attacker)).toEqual([]);
    expect((await api('GET', '/me')).body.emailVerified).toBe(false);

    // The link the victim's mailbox got is what verifies the address.
    const verified = await callJson(server.url, 'POST', '/api/v1/auth/verify-email', {
      body: { token: links(victim)[1] },
    });
    expect(verified.status).toBe(200);
    expect((await api('GET', '/me')).body.emailVerified).toBe(true);
  });

  it('accounts - where links go out by mail, an admin reads none through the API', async () => {
    const user = await signUpAndIn(server.url, `mailed-${Date.now()}@corp.example`);
    const refused = await callJson(
      server.url,
      'POST',
      `/api/v1/admin/users/${user.userId}/email-verification-link`,
      { bearer: admin },
    );
    expect([refused.status, refused.body.error.code]).toEqual([409, 'IDENTITY_VERIFICATION_MAILED']);
    const delivery = await callJson(server.url, 'GET', '/api/v1/auth/email-verification');
    expect(delivery.body).toEqual({ delivery: 'mail' });
  });
});
