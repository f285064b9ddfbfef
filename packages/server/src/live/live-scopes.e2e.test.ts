/**
 * Scopes on the trading routes, walked from the OpenAPI document of a real `tickline start`:
 * every portfolio, order, risk, kill-switch and live-run operation declares its scope and
 * security, and a key without that scope is refused with 403 AUTH_FORBIDDEN before its input is
 * even looked at — a `market:read` key once placed orders and engaged the kill switch. A key with
 * `portfolio:read` reads the portfolio and still cannot trade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '../testing/tickline-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-live-scopes-'));
let server: RunningServer;
let user: TestUser;

interface Operation {
  security?: unknown[];
  description?: string;
}

beforeAll(async () => {
  server = await startTicklineServer(
    // One key per scope set under test (the free tier keeps two).
    embeddedTestEnv(dataDir, { TICKLINE_AUTH_TIERS_FREE_MAX_API_KEYS: '5' }),
  );
  user = await signUpAndIn(server.url, 'scopes@example.test');
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

async function keyWith(scopes: string[]): Promise<string> {
  const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
    bearer: user.accessToken,
    body: { name: scopes.join(' '), scopes },
  });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

async function withKey(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

describe('live routes - scopes by construction', () => {
  it('every trading operation declares a scope; a market:read key is refused each one with 403', async () => {
    const doc = (await callJson(server.url, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => /^\/api\/v1\/(portfolios|live-strategies)/.test(path))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(18);
    const key = await keyWith(['market:read']);
    for (const { path, method, op } of operations) {
      expect([`${method} ${path}`, op.security?.length ?? 0]).toEqual([`${method} ${path}`, 2]);
      expect(op.description).toMatch(/Scope: `(portfolio:read|portfolio:write|signals:read)`\./);
      const concrete = path
        .replace('{portfolioId}', user.userId)
        .replace('{id}', '00000000-0000-7000-8000-000000000000')
        .replace('{clientOrderId}', 'c1');
      // No body at all: the scope is judged before the input.
      const answer = await withKey(key, method.toUpperCase(), concrete, method === 'get' ? undefined : {});
      expect([`${method} ${path}`, answer.status, answer.body.error?.code]).toEqual([
        `${method} ${path}`,
        403,
        'AUTH_FORBIDDEN',
      ]);
    }
  }, 120_000);

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
    const placed = await fetch(`${server.url}/api/v1/portfolios/${user.userId}/orders`, {
      method: 'POST',
      headers: {
        'x-api-key': writer,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 }),
    });
    expect(placed.status).toBe(201);
  }, 60_000);
});
