/**
 * Quotas counted and taken at once (issue 29, Medium 7), over HTTP against `tickline start`: a
 * burst of parallel creations used to pass one count each — 12 webhook endpoints were stored
 * against a limit of 3, and 3 API keys against 2. Now the burst stores exactly the limit and the
 * rest are refused with the quota's code. Strategy versions (issue 46.8) too, over REST and in one
 * GraphQL request of aliased mutations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';

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
      TICKLINE_STRATEGY_TIERS_FREE_MAX_VERSIONS_PER_STRATEGY: '3',
      // Every save of the burst compiles at once: the version quota alone must hold (issue 46.8).
      TICKLINE_STRATEGY_COMPILE_PER_USER: '20',
      TICKLINE_STRATEGY_COMPILE_MAX_IN_FLIGHT: '40',
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

  it('quotas - 12 parallel version saves at 3 versions a strategy store 3; aliased GraphQL mutations none past it', async () => {
    const NOOP = 'export default defineStrategy({ onCandle() {} });';
    const user = await signUpAndIn(server.url, `versions-${Date.now()}@example.test`);
    const strategy = async (name: string) => {
      const created = await api(user, 'POST', '/strategies', { name, source: NOOP, language: 'javascript' });
      expect(created.status).toBe(201);
      return created.body.strategy.id as string;
    };
    const rest = await strategy('rest');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(user, 'POST', `/strategies/${rest}/versions`, {
          source: `${NOOP} // ${i}`,
          language: 'javascript',
        }),
      ),
    );
    // The first version came with the strategy.
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    for (const refused of answers.filter((a) => a.status !== 201))
      expect([refused.status, refused.body.error.code]).toEqual([403, 'STRATEGY_QUOTA_VERSIONS']);
    expect((await api(user, 'GET', `/strategies/${rest}/versions`)).body.versions).toHaveLength(3);

    const graphql = await strategy('graphql');
    const aliases = Array.from(
      { length: 5 },
      (_, i) =>
        `v${i}: createStrategyVersion(strategyId: "${graphql}", source: ${JSON.stringify(`${NOOP} // ${i}`)}, language: "javascript") { version }`,
    );
    const res = await api(user, 'POST', '/graphql', { query: `mutation { ${aliases.join(' ')} }` });
    const saved = Object.values(res.body.data ?? {}).filter((v) => v !== null);
    expect(saved).toEqual([{ version: 2 }, { version: 3 }]);
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(
      Array(3).fill('STRATEGY_QUOTA_VERSIONS'),
    );
    expect((await api(user, 'GET', `/strategies/${graphql}/versions`)).body.versions).toHaveLength(3);
  });
});
