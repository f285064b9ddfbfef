/**
 * Scopes by construction (issue 29, Medium 3), over HTTP against `tickline start`: every operation
 * of the served OpenAPI document that takes an API key names its scope, and a key without that
 * scope is refused with 403 AUTH_FORBIDDEN before its input is looked at — a `market:read` key
 * once placed orders, engaged the kill switch, read the inbox, registered a webhook and changed
 * the notification email. Admin power is the role and the scope: an admin's `market:read` key is
 * no admin; an admin may read another user's portfolio and engage its kill switch, never trade in
 * it or start a run there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-route-scopes-'));
let server: RunningServer;
let user: TestUser;
let admin: string;

interface Operation {
  security?: Array<Record<string, string[]>>;
}

beforeAll(async () => {
  server = await startTicklineServer(
    // One key per scope set under test, and a burst that covers the walk of every operation.
    embeddedTestEnv(dataDir, {
      TICKLINE_AUTH_TIERS_FREE_MAX_API_KEYS: '10',
      TICKLINE_AUTH_TIERS_FREE_BURST: '500',
    }),
  );
  user = await signUpAndIn(server.url, 'scopes@example.test');
  admin = await initialAdminToken(server.url, dataDir);
  await until(
    async () =>
      (await callJson(server.url, 'GET', `/api/v1/portfolios/${user.userId}`, { bearer: user.accessToken }))
        .status === 200,
    { timeoutMs: 60_000, what: 'the portfolio opened' },
  );
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

async function keyWith(scopes: string[], bearer = user.accessToken): Promise<string> {
  const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
    bearer,
    body: { name: scopes.join(' '), scopes },
  });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

async function withKey(key: string, method: string, path: string, body?: unknown, headers = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      'x-api-key': key,
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as { error?: { code: string } } };
}

const ANY_ID = '00000000-0000-7000-8000-000000000000';

describe('routes - scopes by construction', () => {
  it('every operation that takes a key names its scope; a market:read key is refused each other one with 403', async () => {
    const doc = (await callJson(server.url, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const scoped = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .map(([method, op]) => ({ path, method, scopes: op.security?.find((s) => 'apiKey' in s)?.apiKey }))
        .filter((o): o is { path: string; method: string; scopes: string[] } => o.scopes !== undefined),
    );
    // Among them every trading, notification, webhook, push, phone and game-join route.
    for (const area of [
      'portfolios',
      'live-strategies',
      'notifications',
      'webhooks',
      'push-subscriptions',
      'notification-phone',
      'notification-rules',
      'game/join',
    ])
      expect(
        scoped.some((o) => o.path.startsWith(`/api/v1/${area}`)),
        area,
      ).toBe(true);
    const key = await keyWith(['market:read']);
    let refused = 0;
    for (const { path, method, scopes } of scoped) {
      // `authenticated` (any credential: who am I) and market:read's own operations answer.
      if (scopes.length === 0 || scopes.includes('market:read')) continue;
      const concrete = path.replace('{portfolioId}', user.userId).replace(/\{[^}]+\}/g, ANY_ID);
      // No body at all: the scope is judged before the input.
      const answer = await withKey(key, method.toUpperCase(), concrete, method === 'get' ? undefined : {});
      expect([`${method} ${path}`, answer.status, answer.body.error?.code]).toEqual([
        `${method} ${path}`,
        403,
        'AUTH_FORBIDDEN',
      ]);
      refused++;
    }
    expect(refused).toBeGreaterThan(80);
  }, 180_000);

  it('a portfolio:read key reads the portfolio but cannot place an order or engage the kill switch', async () => {
    const key = await keyWith(['portfolio:read']);
    expect((await withKey(key, 'GET', `/api/v1/portfolios/${user.userId}`)).status).toBe(200);
    const order = await withKey(key, 'POST', `/api/v1/portfolios/${user.userId}/orders`, {
      symbol: 'BTC-USDT',
      side: 'buy',
      quantity: 0.001,
    });
    expect([order.status, order.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const kill = await withKey(key, 'POST', `/api/v1/portfolios/${user.userId}/kill-switch`, { reason: 'x' });
    expect([kill.status, kill.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    // The portfolio:write key does what the read key could not.
    const writer = await keyWith(['portfolio:write']);
    const placed = await withKey(
      writer,
      'POST',
      `/api/v1/portfolios/${user.userId}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 },
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(placed.status).toBe(201);
  }, 60_000);

  it('a notifications:read key reads the inbox and settings but changes nothing', async () => {
    const reader = await keyWith(['notifications:read']);
    expect((await withKey(reader, 'GET', '/api/v1/notifications')).status).toBe(200);
    expect((await withKey(reader, 'GET', '/api/v1/notification-rules')).status).toBe(200);
    const email = await withKey(reader, 'PATCH', '/api/v1/notification-rules', {
      email: 'thief@example.test',
    });
    expect([email.status, email.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const hook = await withKey(reader, 'POST', '/api/v1/webhooks', { url: 'https://example.test/hook' });
    expect([hook.status, hook.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const writer = await keyWith(['notifications:write']);
    const zone = await withKey(writer, 'PATCH', '/api/v1/notification-rules', { timeZone: 'Europe/Paris' });
    expect(zone.status).toBe(200);
  }, 60_000);

  it("an admin's market:read key is no admin: no admin route, no other user's portfolio", async () => {
    const key = await keyWith(['market:read', 'portfolio:read', 'portfolio:write'], admin);
    const users = await withKey(key, 'GET', '/api/v1/admin/users');
    expect([users.status, users.body.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const theirs = await withKey(key, 'GET', `/api/v1/portfolios/${user.userId}`);
    expect([theirs.status, theirs.body.error?.code]).toEqual([404, 'STRATEGY_PORTFOLIO_NOT_FOUND']);
    const order = await withKey(
      key,
      'POST',
      `/api/v1/portfolios/${user.userId}/orders`,
      { symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 },
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(order.status).toBe(404);
  }, 60_000);

  it("an admin reads another user's portfolio and engages its kill switch, but never trades or starts a run in it", async () => {
    const as = (method: string, path: string, body?: unknown) =>
      callJson(server.url, method, `/api/v1/portfolios/${user.userId}${path}`, {
        bearer: admin,
        ...(body === undefined ? {} : { body }),
      });
    expect((await as('GET', '')).status).toBe(200);
    expect((await as('GET', '/risk')).status).toBe(200);
    const engaged = await as('POST', '/kill-switch', { reason: 'review' });
    expect(engaged.status).toBe(200);
    expect(engaged.body.killSwitch).toMatchObject({ engaged: true, admin: { reason: 'review' } });
    const order = await fetch(`${server.url}/api/v1/portfolios/${user.userId}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 }),
    });
    expect([order.status, ((await order.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'STRATEGY_OWNER_ONLY',
    ]);
    const limits = await as('PUT', '/risk-limits', { maxOrderNotional: 1, reason: 'x' });
    expect([limits.status, limits.body.error?.code]).toEqual([403, 'STRATEGY_OWNER_ONLY']);
    const run = await callJson(server.url, 'POST', '/api/v1/live-strategies', {
      bearer: admin,
      body: {
        strategyId: ANY_ID,
        version: 1,
        portfolioId: user.userId,
        feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
      },
    });
    expect([run.status, run.body.error?.code]).toEqual([403, 'STRATEGY_OWNER_ONLY']);
    // The admin lifts their own hand again.
    expect((await as('POST', '/kill-switch/release', { reason: 'done' })).body.killSwitch.engaged).toBe(
      false,
    );
  }, 60_000);

  it('revoking an API key refuses the key and leaves the session that revoked it signed in', async () => {
    const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
      bearer: user.accessToken,
      body: { name: 'to revoke', scopes: ['market:read'] },
    });
    const revoked = await callJson(server.url, 'DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, {
      bearer: user.accessToken,
    });
    expect(revoked.status).toBe(204);
    expect((await withKey(created.body.key as string, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await callJson(server.url, 'GET', '/api/v1/me', { bearer: user.accessToken })).status).toBe(200);
  });
});
