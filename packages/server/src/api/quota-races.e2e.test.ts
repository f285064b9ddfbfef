/**
 * Quotas counted and taken at once (issue 29, Medium 7), over HTTP against `tickline start`: a
 * burst of parallel creations used to pass one count each — 12 webhook endpoints were stored
 * against a limit of 3, and 3 API keys against 2. Now the burst stores exactly the limit and the
 * rest are refused with the quota's code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '../testing/tickline-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-quota-races-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startTicklineServer(
    embeddedTestEnv(dataDir, {
      // A burst that the rate limiter lets through whole: the quota alone must hold.
      TICKLINE_AUTH_TIERS_FREE_BURST: '100',
      TICKLINE_NOTIFY_TIERS_FREE_MAX_WEBHOOK_ENDPOINTS: '3',
      // Receivers on loopback would be refused by the SSRF guard before the quota is reached.
      TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    }),
  );
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (user: TestUser, method: string, path: string, body?: unknown) =>
  callJson(server.url, method, `/api/v1${path}`, { bearer: user.accessToken, ...(body ? { body } : {}) });

describe('quotas - a parallel burst stores the limit, no more', () => {
  it('quotas - 12 parallel webhook registrations at a limit of 3 store 3', async () => {
    const user = await signUpAndIn(server.url, `hooks-${Date.now()}@example.test`);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(user, 'POST', '/webhooks', { url: `http://127.0.0.1:9/h${i}` }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect([refused.status, refused.body.error.code]).toEqual([409, 'NOTIFY_LIMIT_REACHED']);
    expect((await api(user, 'GET', '/webhooks')).body.endpoints).toHaveLength(3);
  });

  it('quotas - 6 parallel API key creations at a limit of 2 store 2', async () => {
    const user = await signUpAndIn(server.url, `keys-${Date.now()}@example.test`);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api(user, 'POST', '/api-keys', { name: `k${i}`, scopes: ['market:read'] }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect([refused.status, refused.body.error.code]).toEqual([403, 'IDENTITY_QUOTA_EXCEEDED']);
    expect((await api(user, 'GET', '/api-keys')).body.apiKeys).toHaveLength(2);
  });
});
