/**
 * No verification token in clear (issue 29, Medium 8), over HTTP against `tickline start` on the
 * embedded default, which has no mail: the durable event log carries a reference to each link, not
 * its token, and the application log names the user, not the link. An admin reads a fresh link
 * through the API, and that link verifies the address. The first-run admin's configured address
 * is verified from the start (Low: it was not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn } from '../testing/api-clients.ts';

describe('accounts - verification links are never stored or logged in clear', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-verification-secrets-'));
  const env = embeddedTestEnv(dataDir);
  let server: RunningServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTicklineServer(env);
    admin = await initialAdminToken(server.url, dataDir);
  }, 180_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The verification events of the durable log, read by `tickline log tail` beside the server. */
  async function verificationEvents(): Promise<string> {
    const tail = await runTickline(
      ['log', 'tail', '--from', 'earliest', '--no-follow', '--type', 'account.email.verification.'],
      env,
    );
    expect(tail.code).toBe(0);
    return tail.stdout;
  }

  it('accounts - the event log and the application log carry a reference; an admin hands over a link that works', async () => {
    const user = await signUpAndIn(server.url, `ref-${Date.now()}@example.test`);
    // The log says whose link it is and where an admin gets it, never the link.
    await until(
      () =>
        server
          .logLines()
          .some((l) => l.userId === user.userId && String(l.msg).includes('email-verification-link')),
      { timeoutMs: 30_000, what: 'the log line of the sign-up link' },
    );

    const issued = await callJson(
      server.url,
      'POST',
      `/api/v1/admin/users/${user.userId}/email-verification-link`,
      { bearer: admin },
    );
    expect(issued.status).toBe(201);
    const token = new URL(issued.body.path as string, server.url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(40);

    const events = (await verificationEvents()).trim().split('\n');
    // The sign-up's link and the admin's: each announced by reference only.
    const mine = events.filter((line) => line.includes(user.userId));
    expect(mine).toHaveLength(2);
    for (const line of mine) {
      expect(line).toMatch(/"verificationId":"[0-9a-f-]{36}"/);
      expect(line).not.toContain('token');
      expect(line).not.toContain(token);
    }
    expect(JSON.stringify(server.logLines())).not.toMatch(/verify-email\?token=|token=[A-Za-z0-9_-]{20}/);

    // Someone who is not an admin gets no link; the admin's link verifies the address once.
    const self = await callJson(
      server.url,
      'POST',
      `/api/v1/admin/users/${user.userId}/email-verification-link`,
      {
        bearer: user.accessToken,
      },
    );
    expect(self.status).toBe(403);
    const verified = await callJson(server.url, 'POST', '/api/v1/auth/verify-email', { body: { token } });
    expect([verified.status, verified.body.emailVerified]).toEqual([200, true]);
    const again = await callJson(
      server.url,
      'POST',
      `/api/v1/admin/users/${user.userId}/email-verification-link`,
      { bearer: admin },
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'IDENTITY_EMAIL_ALREADY_VERIFIED']);
  });

  it('accounts - the server says links come from an admin here (the dashboard then points to no mail)', async () => {
    const delivery = await callJson(server.url, 'GET', '/api/v1/auth/email-verification');
    expect(delivery.body).toEqual({ delivery: 'admin' });
  });

  it("accounts - the first-run admin's configured address is verified", async () => {
    const me = await callJson(server.url, 'GET', '/api/v1/me', { bearer: admin });
    expect(me.body).toMatchObject({ role: 'admin', emailVerified: true });
  });
});
