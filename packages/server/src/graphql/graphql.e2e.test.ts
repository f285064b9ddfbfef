/**
 * GraphQL through the real `tickline` process: the endpoint is mounted under `/api/v1` with the
 * app's zod validation in place, takes the same JWT and API keys as REST, answers the simulator's
 * markets and tickers, refuses abuse with codes, and stays out of the OpenAPI document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken } from '../testing/api-clients.ts';
import { startTicklineServer, until, type RunningServer } from '@tickline/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-graphql-'));
const env = {
  TICKLINE_DATA_DIR: dataDir,
  TICKLINE_HTTP_PORT: '0',
  TICKLINE_HTTP_HOST: '127.0.0.1',
  TICKLINE_SHUTDOWN_TIMEOUT_MS: '5000',
  TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
  TICKLINE_MARKET_SOURCES: JSON.stringify([
    { kind: 'simulator', tradesPerSecond: 20, markets: [{ symbol: 'BTC-USDT', startPrice: 60_000 }] },
  ]),
};

let server: RunningServer;
let adminToken = '';

async function graphql(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/v1/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Any well-formed id: a refusal before execution never looks it up. */
const ANY_UUID = '0190b5f4-0000-7000-8000-000000000001';
const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

beforeAll(async () => {
  server = await startTicklineServer(env);
  adminToken = await initialAdminToken(server.url, dataDir);
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('graphql - through the tickline process', () => {
  it('graphql - a signed-in user reads the account, keys and live tickers in one request', async () => {
    let last: any;
    await until(
      async () => {
        const response = await graphql(
          {
            query:
              '{ me { userId role kind } apiKeys { pageInfo { totalCount } } markets { nodes { symbol ticker { last { price } } } } }',
          },
          { authorization: `Bearer ${adminToken}` },
        );
        expect(response.status).toBe(200);
        expect(response.body.errors).toBeUndefined();
        last = response.body.data;
        return Boolean(last.markets.nodes[0]?.ticker.last);
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'a live BTC-USDT ticker over GraphQL' },
    );
    expect(last.me).toMatchObject({ role: 'admin', kind: 'user' });
    expect(last.markets.nodes[0]).toMatchObject({
      symbol: 'BTC-USDT',
      ticker: { last: { price: expect.any(Number) } },
    });
  });

  it('graphql - an API key authenticates as on REST; a bad one fails its field with the REST code', async () => {
    const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
      bearer: adminToken,
      body: { name: 'graphql e2e', scopes: ['market:read'] },
    });
    expect(created.status).toBe(201);
    const withKey = await graphql({ query: '{ me { kind scopes } }' }, { 'x-api-key': created.body.key });
    expect(withKey.body.data.me).toEqual({ kind: 'api_key', scopes: ['market:read'] });
    const bad = await graphql(
      { query: '{ me { kind } markets { pageInfo { totalCount } } }' },
      { 'x-api-key': 'tkl_nope' },
    );
    expect(bad.status).toBe(200);
    expect(codes(bad.body)[0]).toMatch(/^AUTH_/);
    expect(bad.body.data.markets.pageInfo.totalCount).toBeGreaterThanOrEqual(1);
  });

  it("graphql - portfolios follow REST: another user's is not found, a key needs portfolio:read", async () => {
    const signUp = await callJson(server.url, 'POST', '/api/v1/accounts', {
      body: { email: 'grace@example.com', password: 'correct horse battery' },
    });
    expect(signUp.status).toBe(201);
    const grace = signUp.body.tokens.accessToken as string;
    const admin = await graphql({ query: '{ me { userId } } ' }, { authorization: `Bearer ${adminToken}` });
    const adminId = admin.body.data.me.userId as string;
    const own = await graphql(
      { query: `{ portfolio(id: "${adminId}") { id } }` },
      { authorization: `Bearer ${adminToken}` },
    );
    const theirs = await graphql(
      { query: `{ portfolio(id: "${adminId}") { id cash } me { userId } }` },
      { authorization: `Bearer ${grace}` },
    );
    expect(theirs.status).toBe(200);
    expect(theirs.body.data.portfolio).toBeNull();
    expect(codes(theirs.body)).toEqual(['STRATEGY_PORTFOLIO_NOT_FOUND']);
    expect(theirs.body.data.me.userId).not.toBe(adminId);
    // The same answer REST gives for it.
    const rest = await callJson(server.url, 'GET', `/api/v1/portfolios/${adminId}`, { bearer: grace });
    expect(rest.status).toBe(404);
    expect(rest.body.error.code).toBe('STRATEGY_PORTFOLIO_NOT_FOUND');
    expect(own.status).toBe(200);

    const key = await callJson(server.url, 'POST', '/api/v1/api-keys', {
      bearer: adminToken,
      body: { name: 'no portfolio', scopes: ['market:read'] },
    });
    const scoped = await graphql(
      { query: '{ portfolios { nodes { id } } me { kind } }' },
      { 'x-api-key': key.body.key },
    );
    expect(codes(scoped.body)).toEqual(['AUTH_FORBIDDEN']);
    expect(scoped.body.errors[0].path).toEqual(['portfolios']);
    expect(scoped.body.data.me).toEqual({ kind: 'api_key' });
    // Every root field declares REST's scope for the same data: the inbox, the rules and the keys
    // were once "any credential" here while REST refused them.
    for (const query of [
      '{ notifications { unread } }',
      '{ notificationRules { settings } }',
      '{ apiKeys { pageInfo { totalCount } } }',
      'mutation { markAllNotificationsRead }',
    ]) {
      const refused = await graphql({ query }, { 'x-api-key': key.body.key });
      expect(codes(refused.body), query).toEqual(['AUTH_FORBIDDEN']);
    }
  });

  it('graphql - a strategy created over REST is read with its versions', async () => {
    const created = await callJson(server.url, 'POST', '/api/v1/strategies', {
      bearer: adminToken,
      body: {
        name: 'graphql e2e',
        language: 'javascript',
        source: 'export default defineStrategy({ params: {}, onCandle() {} });',
      },
    });
    expect(created.status).toBe(201);
    const response = await graphql(
      { query: '{ strategies { nodes { name latestVersion versions { version language } } } }' },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.strategies.nodes).toContainEqual({
      name: 'graphql e2e',
      latestVersion: 1,
      versions: [{ version: 1, language: expect.any(String) }],
    });
  });

  it('graphql - abuse is refused with codes and the server keeps answering', async () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ');
    // __typename aliases still count: each one is an alias.
    expect(codes((await graphql({ query: `{ ${aliases} }` })).body)).toEqual(['GRAPHQL_ALIASES_EXCEEDED']);
    let deep = '__typename';
    for (let i = 0; i < 25; i++) deep = `markets(first: 1) { nodes { ${deep} } }`;
    expect(codes((await graphql({ query: `{ ${deep} }` })).body)).toEqual(['GRAPHQL_DEPTH_EXCEEDED']);
    expect(
      codes(
        (await graphql({ query: '{ markets(first: 100) { nodes { ticker { last { price } } } } }' })).body,
      ),
    ).toEqual([]);
    // Issue 46: 30 aliases of a backtest's logs, equity and drawdown in each of 10 batched
    // operations answered 163 MB; each list now weighs its size and the first is refused.
    const result = 'result { logs { time text } equity drawdown }';
    const heavy = Array.from({ length: 30 }, (_, i) => `a${i}: backtest(id: "${ANY_UUID}") { ${result} }`);
    const batch = await graphql(
      Array.from({ length: 10 }, () => ({ query: `{ ${heavy.join(' ')} }` })),
      { authorization: `Bearer ${adminToken}` },
    );
    expect((batch.body as Array<Record<string, never>>).flatMap((answer) => codes(answer))).toEqual(
      Array(10).fill('GRAPHQL_COST_EXCEEDED'),
    );
    // An id that is no UUID is refused as REST refuses it, never reaching SQL (it answered HTTP_INTERNAL).
    const malformed = await graphql(
      { query: '{ backtest(id: "not-a-uuid") { id } strategy(id: "1") { id } }' },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(codes(malformed.body)).toEqual(['HTTP_BAD_REQUEST', 'HTTP_BAD_REQUEST']);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('graphql - on the defaults no introspection, no GraphiQL, and the endpoint stays out of the OpenAPI document', async () => {
    expect((await fetch(`${server.url}/api/v1/graphiql`)).status).toBe(404);
    const introspection = await graphql({ query: '{ __schema { types { name } } }' });
    expect(introspection.status).toBe(400);
    expect(codes(introspection.body)).toEqual(['GRAPHQL_INTROSPECTION_DISABLED']);
    const openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths).filter((p) => p.includes('graph'))).toEqual([]);
  });
});
