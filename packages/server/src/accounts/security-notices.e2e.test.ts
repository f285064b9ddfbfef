/**
 * Security notices (issue 29, Low), over HTTP against `tickline start`: the `security` kind was
 * offered as a rule kind while nothing published it. A password change and a new API key now land
 * in the user's inbox, critical, naming the change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, TEST_PASSWORD } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '../testing/tickline-process.ts';

describe('accounts - security changes reach their user', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-security-notices-'));
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTicklineServer(embeddedTestEnv(dataDir));
  }, 180_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accounts - a password change and a new API key are in the inbox', async () => {
    const user = await signUpAndIn(server.url, `sec-${Date.now()}@example.test`);
    const changed = await callJson(server.url, 'POST', '/api/v1/me/password', {
      bearer: user.accessToken,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'another-long-password-42' },
    });
    expect(changed.status).toBe(200);
    const bearer = changed.body.accessToken as string;
    expect(
      (
        await callJson(server.url, 'POST', '/api/v1/api-keys', {
          bearer,
          body: { name: 'bot', scopes: ['market:read'] },
        })
      ).status,
    ).toBe(201);
    let titles: string[] = [];
    await until(
      async () => {
        const inbox = await callJson(server.url, 'GET', '/api/v1/notifications?limit=20', { bearer });
        titles = (inbox.body.items as Array<{ title: string }>).map((i) => i.title);
        return titles.includes('Security: password changed') && titles.includes('Security: api key created');
      },
      { timeoutMs: 30_000, what: 'both security notices in the inbox' },
    );
  });
});
