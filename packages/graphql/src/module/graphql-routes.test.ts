import { createHash } from 'node:crypto';
import { defineErrorCodes, OPERATION_RATE_LIMIT, TicklineError } from '@tickline/kernel';
// Registers live trading's codes (STRATEGY_PORTFOLIO_NOT_FOUND), as the server's strategy module does.
import { createLiveActions } from '@tickline/trading';
import { createLiveTestApp, type LiveTestApp } from '@tickline/trading/internal';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlSchema } from '../config.ts';
import type { GraphqlServices } from '../schema/services.ts';
import {
  CREATED,
  fakeAuth,
  fakeMarket,
  fakeNotifications,
  fakeOperations,
  fakeStrategies,
  fakeTrading,
} from '../testing/fake-services.ts';
import { graphqlRoutes } from './graphql-routes.ts';

// The server declares it (its rate limiter throws it); this file runs without the server.
defineErrorCodes({
  HTTP_RATE_LIMITED: { meaning: 'Too many requests.', resolve: 'Wait for Retry-After.', httpStatus: 429 },
});

const strategyState = { count: 3 };
const strategies = fakeStrategies(strategyState);
const market = fakeMarket();
let live: LiveTestApp;
let services: GraphqlServices;

beforeAll(async () => {
  // Live trading's real parts: books, paper broker, order desk, journal and runner in memory.
  live = await createLiveTestApp({
    portfolios: { u1: 'u1', u2: 'u2' },
    prices: { 'BTC-USD': 100, 'ETH-USD': 10, 'SOL-USD': 1, 'AAPL.US': 190 },
    openingCash: 1_000_000,
    strategies: { 's1@1': { onCandle() {} } },
  });
  // A run of u1's strategy s1 on u1's portfolio.
  await live.runner.enable({
    id: 'u1:s1',
    strategyId: 's1',
    version: 1,
    userId: 'u1',
    portfolioId: 'u1',
    params: {},
    feeds: [{ symbol: 'BTC-USD', interval: '1m' }],
    settings: live.routeOptions.settings('u1'),
    warmupBars: 0,
  });
  services = {
    auth: fakeAuth(),
    apiKeys: async () =>
      Array.from({ length: 5 }, (_, i) => ({ id: `k${i}`, name: `key ${i}`, prefix: 'tkl_', scopes: [] })),
    market: market.port,
    strategies: strategies.port,
    trading: fakeTrading(live.routeOptions),
    notifications: fakeNotifications(),
    operations: fakeOperations(),
  };
});
afterAll(() => live.close());

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface StartOptions {
  settings?: Partial<typeof GraphqlSchema._input>;
  /** The ports of this process (default: every domain). */
  services?: GraphqlServices;
  /** Operations the scope's rate limiter would still allow (absent: no limiter). */
  budget?: { left: number };
}

async function start(options: StartOptions = {}): Promise<FastifyInstance> {
  app = Fastify();
  // As the server's app validates: zod schemas only.
  app.setValidatorCompiler(validatorCompiler);
  const budget = options.budget;
  await app.register(
    async (scope) => {
      // What the server's rate-limit plugin decorates the `/api/v1` scope with.
      if (budget)
        scope.decorate(OPERATION_RATE_LIMIT, {
          async take(_request: unknown, count: number) {
            budget.left -= count;
            if (budget.left < 0) throw new TicklineError('HTTP_RATE_LIMITED', 'rate limit exceeded');
          },
        });
      await scope.register(
        graphqlRoutes(GraphqlSchema.parse(options.settings ?? {}), options.services ?? services),
      );
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return app;
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const server = app ?? (await start());
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/graphql',
    payload: body as object,
    headers,
  });
  return { status: response.statusCode, body: response.json() };
}

const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);
const user = (id: string) => ({ authorization: `Bearer ${id}` });
/** A strategy id as the store's are (GraphQL refuses one that is no UUID). */
const STRATEGY_ID = '0190b5f4-0000-7000-8000-0000000000a1';

describe('graphql - scopes of every root field', () => {
  it('scopes - a market:read key reads no inbox, rules or keys, and marks nothing read', async () => {
    const key = { 'x-api-key': 'u1|market:read' };
    for (const query of [
      '{ notifications { unread } }',
      '{ notificationRules { settings } }',
      '{ apiKeys { pageInfo { totalCount } } }',
      'mutation { markAllNotificationsRead }',
    ]) {
      const refused = await post({ query }, key);
      expect(codes(refused.body), query).toEqual(['AUTH_FORBIDDEN']);
    }
    // Each of them is the caller's own with the scope REST asks for the same data.
    const allowed = await post(
      { query: '{ notifications { unread } me { userId } }' },
      { 'x-api-key': 'u1|notifications:read' },
    );
    expect(codes(allowed.body)).toEqual([]);
    expect(allowed.body.data.me.userId).toBe('u1');
  });
});

describe('graphql - reads', () => {
  it('graphql - answers public fields without a credential and pages with cursors', async () => {
    const first = await post({
      query: '{ markets(first: 2) { nodes { symbol } pageInfo { hasNextPage endCursor } } }',
    });
    expect(first.status).toBe(200);
    expect(first.body.data.markets.nodes).toEqual([{ symbol: 'BTC-USD' }, { symbol: 'ETH-USD' }]);
    expect(first.body.data.markets.pageInfo.hasNextPage).toBe(true);
    const after = first.body.data.markets.pageInfo.endCursor as string;
    const next = await post({
      query:
        'query($after: String) { markets(first: 2, after: $after) { nodes { symbol } pageInfo { hasNextPage } } }',
      variables: { after },
    });
    expect(next.body.data.markets).toEqual({
      nodes: [{ symbol: 'SOL-USD' }],
      pageInfo: { hasNextPage: false },
    });
  });

  it("graphql - a market's listing and session, as REST answers them", async () => {
    const res = await post({
      query: '{ markets(first: 1) { nodes { symbol listing { exchange } session { state nextOpen } } } }',
    });
    expect(res.body.data.markets.nodes).toEqual([
      { symbol: 'BTC-USD', listing: null, session: { state: 'always-open', nextOpen: null } },
    ]);
  });

  it('graphql - authenticates per field with the REST codes: a refused field fails alone', async () => {
    const anonymous = await post({ query: '{ me { userId } markets { nodes { symbol } } }' });
    expect(anonymous.status).toBe(200);
    expect(codes(anonymous.body)).toEqual(['AUTH_UNAUTHENTICATED']);
    expect(anonymous.body.errors[0].path).toEqual(['me']);
    expect(anonymous.body.data.markets.nodes).toHaveLength(3);

    const signedIn = await post(
      { query: '{ me { userId kind } apiKeys(first: 1) { nodes { id } } }' },
      user('u1'),
    );
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data).toEqual({
      me: { userId: 'u1', kind: 'user' },
      apiKeys: { nodes: [{ id: 'k0' }] },
    });
  });

  it("graphql - another user's portfolio is not found, as on REST; the rest of the answer stands", async () => {
    const response = await post(
      { query: '{ mine: portfolio(id: "u1") { id } theirs: portfolio(id: "u2") { id } me { userId } }' },
      user('u1'),
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ mine: { id: 'u1' }, theirs: null, me: { userId: 'u1' } });
    expect(codes(response.body)).toEqual(['STRATEGY_PORTFOLIO_NOT_FOUND']);
    expect(response.body.errors[0].path).toEqual(['theirs']);
  });

  it('graphql - a key without portfolio:read gets AUTH_FORBIDDEN on the portfolio field only', async () => {
    const response = await post(
      { query: '{ portfolios { nodes { id } } me { kind } markets(first: 1) { nodes { symbol } } }' },
      { 'x-api-key': 'u1|market:read' },
    );
    expect(response.status).toBe(200);
    expect(codes(response.body)).toEqual(['AUTH_FORBIDDEN']);
    expect(response.body.errors[0].path).toEqual(['portfolios']);
    expect(response.body.data).toEqual({
      portfolios: null,
      me: { kind: 'api_key' },
      markets: { nodes: [{ symbol: 'BTC-USD' }] },
    });
    const allowed = await post(
      { query: '{ portfolios { nodes { id } } }' },
      { 'x-api-key': 'u1|portfolio:read' },
    );
    expect(allowed.body).toEqual({ data: { portfolios: { nodes: [{ id: 'u1' }] } } });
  });

  it('graphql - an admin-only field refuses a user with AUTH_FORBIDDEN and answers an admin', async () => {
    const query = { query: '{ zones { zoneId ccu } consumerLag { name lag } me { role } }' };
    const refused = await post(query, user('u1'));
    expect(codes(refused.body)).toEqual(['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN']);
    expect(refused.body.data).toEqual({ zones: null, consumerLag: null, me: { role: 'user' } });
    const admin = await post(query, user('admin'));
    expect(admin.body).toEqual({
      data: {
        zones: [{ zoneId: 'zone-1', ccu: 2 }],
        consumerLag: [{ name: 'platform', lag: 3 }],
        me: { role: 'admin' },
      },
    });
  });

  it("graphql - a run's signals and logs need signals:read, as REST's signals route", async () => {
    const query = {
      query:
        '{ portfolio(id: "u1") { liveRuns { id state strategy { name } lastSignals { symbol } logs { text } } } }',
    };
    const without = await post(query, { 'x-api-key': 'u1|portfolio:read,strategies:read' });
    expect(codes(without.body)).toEqual(['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN']);
    expect(without.body.errors.map((e: { path: unknown[] }) => e.path.at(-1))).toEqual([
      'lastSignals',
      'logs',
    ]);
    expect(without.body.data.portfolio.liveRuns).toEqual([
      { id: 'u1:s1', state: 'running', strategy: { name: 'strategy 1' }, lastSignals: null, logs: null },
    ]);
    const withScope = await post(query, { 'x-api-key': 'u1|portfolio:read,signals:read,strategies:read' });
    expect(withScope.body.errors).toBeUndefined();
    expect(withScope.body.data.portfolio.liveRuns[0]).toMatchObject({ lastSignals: [], logs: [] });
    // The strategy behind a run is strategies:read's, as on REST.
    const noStrategies = await post(query, { 'x-api-key': 'u1|portfolio:read,signals:read' });
    expect(codes(noStrategies.body)).toEqual(['AUTH_FORBIDDEN']);
    expect(noStrategies.body.errors[0].path.at(-1)).toBe('strategy');
  });

  it("graphql - a run's stop-entry, data health and parity, as REST's run carries them", async () => {
    const query = {
      query: `{ liveRun(id: "u1:s1") {
        stopEntry
        dataHealth { healthy feeds { symbol interval healthy problem detail since } }
        parity { checkedAt state decisions
          firstDivergence { decision field live { candleCloseTime side quantity percent } replay { quantity percent } } }
      } }`,
    };
    const key = { 'x-api-key': 'u1|portfolio:read' };
    // Healthy, not in stop-entry, never checked
    expect((await post(query, key)).body.data.liveRun).toEqual({
      stopEntry: false,
      dataHealth: null,
      parity: null,
    });
    const status = live.runner.status('u1:s1')!;
    live.runner.stopEntry('u1:s1', true);
    const feed = { symbol: 'BTC-USD', interval: '1m', healthy: false, problem: 'stale' as const };
    status.dataHealth = {
      healthy: false,
      feeds: [{ ...feed, detail: 'no candle for 3 intervals', since: 1_000 }],
    };
    const decision = {
      candleCloseTime: 60_000,
      symbol: 'BTC-USD',
      side: 'buy' as const,
      type: 'market' as const,
    };
    status.parity = {
      checkedAt: 2_000,
      state: 'diverged',
      decisions: 4,
      firstDivergence: {
        decision: 3,
        field: 'quantity',
        live: { ...decision, quantity: 1 },
        replay: { ...decision, quantity: 1.5, percent: 50 },
      },
    };
    try {
      const answer = await post(query, key);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.liveRun).toEqual({
        stopEntry: true,
        dataHealth: {
          healthy: false,
          feeds: [{ ...feed, detail: 'no candle for 3 intervals', since: 1_000 }],
        },
        parity: {
          checkedAt: 2_000,
          state: 'diverged',
          decisions: 4,
          firstDivergence: {
            decision: 3,
            field: 'quantity',
            live: { candleCloseTime: 60_000, side: 'buy', quantity: 1, percent: null },
            replay: { quantity: 1.5, percent: 50 },
          },
        },
      });
    } finally {
      live.runner.stopEntry('u1:s1', false);
      delete status.dataHealth;
      delete status.parity;
    }
  });

  it('graphql - positions read their tickers in one batch however many there are', async () => {
    const actions = createLiveActions(live.routeOptions);
    const caller = { userId: 'u1', admin: false };
    for (const [i, symbol] of ['BTC-USD', 'ETH-USD', 'SOL-USD'].entries())
      await actions.placeOrder(caller, 'u1', `seed-${i}`, {
        symbol,
        side: 'buy',
        type: 'market',
        quantity: 1,
      });
    market.reads.tickers = 0;
    const response = await post(
      { query: '{ portfolio(id: "u1") { equity positions { symbol quantity ticker { symbol } } } }' },
      user('u1'),
    );
    expect(response.body.errors).toBeUndefined();
    const positions = response.body.data.portfolio.positions as Array<{
      symbol: string;
      ticker: { symbol: string };
    }>;
    expect(positions.map((p) => p.symbol).sort()).toEqual(['BTC-USD', 'ETH-USD', 'SOL-USD']);
    expect(positions.every((p) => p.ticker.symbol === p.symbol)).toBe(true);
    expect(market.reads.tickers).toBe(1);
  });

  it('graphql - strategies with their versions and backtests take three reads however many there are', async () => {
    const query = {
      query:
        '{ strategies(first: 100) { nodes { name versions { version createdAt } backtests(first: 1) { nodes { status result { metrics { maxDrawdown } } } } } } }',
    };
    const reads = async (count: number) => {
      strategyState.count = count;
      Object.assign(strategies.reads, { list: 0, versionsOf: 0, runs: 0, results: 0 });
      const response = await post(query, user('u1'));
      expect(response.body.errors).toBeUndefined();
      const nodes = response.body.data.strategies.nodes;
      expect(nodes).toHaveLength(count);
      expect(nodes[0].versions).toEqual([
        { version: 1, createdAt: CREATED.toISOString() },
        { version: 2, createdAt: CREATED.toISOString() },
      ]);
      expect(nodes[0].backtests.nodes).toEqual([
        { status: 'succeeded', result: { metrics: { maxDrawdown: -0.05 } } },
      ]);
      return { ...strategies.reads, strategiesOf: undefined };
    };
    const few = await reads(3);
    expect(await reads(60)).toEqual(few);
    expect(few).toMatchObject({ list: 1, versionsOf: 1, runs: 1, results: 1 });
    strategyState.count = 3;
  });

  it('graphql - the inbox pages by its own key and says what is unread', async () => {
    const first = await post(
      { query: '{ notifications(first: 2) { nodes { title } pageInfo { hasNextPage endCursor } unread } }' },
      user('u1'),
    );
    expect(first.body.data.notifications).toMatchObject({
      nodes: [{ title: 'entry 3' }, { title: 'entry 2' }],
      pageInfo: { hasNextPage: true },
      unread: 3,
    });
    const after = first.body.data.notifications.pageInfo.endCursor as string;
    const next = await post(
      {
        query: `{ notifications(first: 2, after: "${after}") { nodes { title } pageInfo { hasNextPage } } }`,
      },
      user('u1'),
    );
    expect(next.body.data.notifications).toEqual({
      nodes: [{ title: 'entry 1' }],
      pageInfo: { hasNextPage: false },
    });
    const bad = await post({ query: '{ notifications(first: 500) { unread } }' }, user('u1'));
    expect(codes(bad.body)).toEqual(['HTTP_BAD_REQUEST']);
  });
});

describe('graphql - a gateway', () => {
  it('gateway - fields of the domains it forwards answer GRAPHQL_FIELD_UNAVAILABLE; its own answer', async () => {
    // What a gateway binds: identity, market, platform (strategy and notify run on other roles).
    const { strategies: _s, trading: _t, notifications: _n, ...gateway } = services;
    await start({ services: gateway });
    const response = await post(
      {
        query:
          '{ portfolios { nodes { id } } strategies { nodes { id } } notifications { unread } me { userId } markets(first: 1) { nodes { symbol } } }',
      },
      user('u1'),
    );
    expect(response.status).toBe(200);
    expect(codes(response.body)).toEqual([
      'GRAPHQL_FIELD_UNAVAILABLE',
      'GRAPHQL_FIELD_UNAVAILABLE',
      'GRAPHQL_FIELD_UNAVAILABLE',
    ]);
    expect(response.body.data).toEqual({
      portfolios: null,
      strategies: null,
      notifications: null,
      me: { userId: 'u1' },
      markets: { nodes: [{ symbol: 'BTC-USD' }] },
    });
  });
});

describe('graphql - mutations', () => {
  it('graphql - placeOrder answers the order; a refused one carries REST’s rejection', async () => {
    const place = (key: string, input: string) =>
      post(
        {
          query: `mutation { placeOrder(portfolioId: "u1", idempotencyKey: "${key}", input: ${input}) {
            order { clientOrderId status symbol quantity } rejection { code reason } } }`,
        },
        user('u1'),
      );
    const filled = await place('k-1', '{ symbol: "BTC-USD", side: "buy", quantity: 2 }');
    expect(filled.body.errors).toBeUndefined();
    expect(filled.body.data.placeOrder).toMatchObject({
      order: { status: 'filled', symbol: 'BTC-USD', quantity: 2 },
      rejection: null,
    });
    const refused = await place('k-2', '{ symbol: "BTC-USD", side: "buy", quantity: 1000000 }');
    expect(refused.body.data.placeOrder).toMatchObject({
      order: { status: 'rejected' },
      // A buy a hundred times the equity: the default position limit refuses it before the venue.
      rejection: { code: 'STRATEGY_BROKER_ORDER_REJECTED', reason: 'risk_limit' },
    });
    // The same key for another order: REST's code.
    const reused = await place('k-1', '{ symbol: "ETH-USD", side: "buy", quantity: 1 }');
    expect(codes(reused.body)).toEqual(['STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED']);
  });

  it('graphql - mutation input fails with REST’s HTTP_BAD_REQUEST and the failing fields', async () => {
    const response = await post(
      {
        query:
          'mutation { placeOrder(portfolioId: "u1", idempotencyKey: "k-3", input: { symbol: "btc", side: "buy", quantity: -1, type: "limit" }) { order { status } } }',
      },
      user('u1'),
    );
    expect(codes(response.body)).toEqual(['HTTP_BAD_REQUEST']);
    const paths = response.body.errors[0].extensions.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['symbol', 'quantity']));
    expect(response.body.data).toEqual({ placeOrder: null });
  });

  it('graphql - a share symbol reaches the broker; a malformed one is HTTP_BAD_REQUEST', async () => {
    const place = (symbol: string) =>
      post(
        {
          query: `mutation { placeOrder(portfolioId: "u2", idempotencyKey: "share-${symbol}", input: { symbol: "${symbol}", side: "buy", quantity: 1 }) {
            order { symbol status } rejection { reason } } }`,
        },
        user('u2'),
      );
    // The test app's clock is 2026-01-01, an NYSE holiday: the paper broker refuses it closed.
    const share = await place('AAPL.US');
    expect(share.body.errors).toBeUndefined();
    expect(share.body.data.placeOrder).toEqual({
      order: { symbol: 'AAPL.US', status: 'rejected' },
      rejection: { reason: 'market_closed' },
    });
    expect(codes((await place('aapl.us')).body)).toEqual(['HTTP_BAD_REQUEST']);
    const cancel = (symbol: string) =>
      post(
        {
          query: `mutation { cancelOrder(portfolioId: "u2", clientOrderId: "none", symbol: "${symbol}") { status } }`,
        },
        user('u2'),
      );
    expect(codes((await cancel('005930.KS')).body)).toEqual(['STRATEGY_BROKER_ORDER_NOT_FOUND']);
    expect(codes((await cancel('5930.KS')).body)).toEqual(['HTTP_BAD_REQUEST']);
  });

  it("graphql - mutations need REST's write scopes", async () => {
    const response = await post(
      {
        query: `mutation { cancelOrder(portfolioId: "u1", clientOrderId: "x", symbol: "BTC-USD") { status } createStrategyVersion(strategyId: "${STRATEGY_ID}", source: "x") { version } }`,
      },
      { 'x-api-key': 'u1|portfolio:read,strategies:read' },
    );
    expect(codes(response.body)).toEqual(['AUTH_FORBIDDEN', 'AUTH_FORBIDDEN']);
    const saved = await post(
      {
        query: `mutation { createStrategyVersion(strategyId: "${STRATEGY_ID}", source: "x", language: "javascript") { version language } }`,
      },
      { 'x-api-key': 'u1|strategies:write' },
    );
    expect(saved.body).toEqual({ data: { createStrategyVersion: { version: 3, language: 'javascript' } } });
  });

  it('graphql - notifications are marked read by id, checked as REST checks it', async () => {
    const id = '0190b5f4-0000-7000-8000-000000000002';
    const response = await post({ query: `mutation { markNotificationRead(id: "${id}") }` }, user('u1'));
    expect(response.body).toEqual({ data: { markNotificationRead: true } });
    const bad = await post({ query: 'mutation { markNotificationRead(id: "nope") }' }, user('u1'));
    expect(codes(bad.body)).toEqual(['HTTP_BAD_REQUEST']);
  });
});

describe('graphql - limits', () => {
  it('graphql - a query 50 levels deep is refused with GRAPHQL_DEPTH_EXCEEDED', async () => {
    const deep = 'markets { nodes { ticker { last { symbol } } } }';
    let query = '__typename';
    for (let i = 0; i < 25; i++) query = `markets(first: 1) { nodes { ${query} } }`;
    const response = await post({ query: `{ ${query} }` });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_DEPTH_EXCEEDED']);
    expect((await post({ query: `{ ${deep} }` })).body.errors).toBeUndefined();
  });

  it('graphql - 10,000 aliases are refused with GRAPHQL_ALIASES_EXCEEDED before validation', async () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: ticker(symbol: "BTC-USD") { symbol }`);
    const response = await post({ query: `{ ${aliases.join(' ')} }` });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_ALIASES_EXCEEDED']);
  });

  it('graphql - an operation over the cost limit is refused with GRAPHQL_COST_EXCEEDED', async () => {
    await start({ settings: { maxCost: 100 } });
    const response = await post({ query: '{ markets(first: 100) { nodes { symbol ticker { symbol } } } }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_COST_EXCEEDED']);
    expect((await post({ query: '{ markets(first: 10) { nodes { symbol } } }' })).status).toBe(200);
  });

  it('graphql - introspection off by default refuses __schema with GRAPHQL_INTROSPECTION_DISABLED, keeps __typename', async () => {
    const response = await post({ query: '{ __schema { types { name } } }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_INTROSPECTION_DISABLED']);
    expect((await post({ query: '{ __typename }' })).body.data).toEqual({ __typename: 'Query' });
    expect((await app!.inject({ method: 'GET', url: '/api/v1/graphiql' })).statusCode).toBe(404);
  });

  it('graphql - introspection on with the setting, GraphiQL served', async () => {
    await start({ settings: { introspection: true } });
    const response = await post({ query: '{ __schema { queryType { name } } }' });
    expect(response.body.data.__schema.queryType.name).toBe('Query');
    expect((await app!.inject({ method: 'GET', url: '/api/v1/graphiql' })).statusCode).toBe(200);
  });

  it('graphql - a batch over the cap is refused with GRAPHQL_BATCH_EXCEEDED; within it, each answers', async () => {
    await start({ settings: { maxBatch: 2 } });
    const op = { query: '{ __typename }' };
    const over = await post([op, op, op]);
    expect(over.status).toBe(400);
    expect(codes(over.body)).toEqual(['GRAPHQL_BATCH_EXCEEDED']);
    const within = await post([op, op]);
    expect(within.body).toEqual([{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }]);
  });

  it('graphql - each operation of a batch counts against the rate limit, beyond the request', async () => {
    const budget = { left: 5 };
    await start({ budget });
    const op = { query: '{ __typename }' };
    expect((await post([op, op, op])).status).toBe(200);
    expect(budget.left).toBe(3);
    const spent = await post([op, op, op, op, op]);
    expect(spent.status).toBe(429);
    expect(codes(spent.body)).toEqual(['HTTP_RATE_LIMITED']);
  });

  it('graphql - accepts automatic persisted queries: a miss is coded, then the hash alone runs', async () => {
    const query = '{ markets(first: 1) { nodes { symbol } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await post({ extensions });
    expect(codes(miss.body)).toEqual(['GRAPHQL_PERSISTED_QUERY_NOT_FOUND']);
    expect(miss.body.errors[0].message).toBe('PersistedQueryNotFound');
    expect((await post({ query, extensions })).body.data.markets.nodes).toEqual([{ symbol: 'BTC-USD' }]);
    expect((await post({ extensions })).body).toEqual({
      data: { markets: { nodes: [{ symbol: 'BTC-USD' }] } },
    });
  });

  it('graphql - the transport refuses like REST: malformed JSON, a query that is no string, too large', async () => {
    const server = await start();
    const send = async (payload: string) => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/graphql',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      return { status: response.statusCode, body: response.json() };
    };
    for (const payload of [
      '{"query":',
      '{"query":123}',
      '{"query":{"kind":"Document"}}',
      'null',
      '[{"query":1}]',
    ]) {
      const refused = await send(payload);
      expect(refused.status, payload).toBe(400);
      expect(codes(refused.body), payload).toEqual(['HTTP_BAD_REQUEST']);
    }
    const numeric = await send('{"query":123}');
    expect(numeric.body.errors[0].extensions.details.issues).toEqual([
      expect.objectContaining({ path: 'query', code: 'invalid_type' }),
    ]);
    // Fastify's default body limit is 1 MiB.
    const large = await send(JSON.stringify({ query: `{ __typename } #${'x'.repeat(2 * 1024 * 1024)}` }));
    expect(large.status).toBe(413);
    expect(codes(large.body)).toEqual(['HTTP_PAYLOAD_TOO_LARGE']);
    // A NUL written as a GraphQL escape in a literal: only the parse makes it one, the body has none.
    const nul = await post({ query: '{ strategy(id: "a\\u0000b") { id } }' }, user('u1'));
    expect(nul.status).toBe(400);
    expect(codes(nul.body)).toEqual(['HTTP_BAD_REQUEST']);
    expect(nul.body.errors[0].extensions.details.issues).toEqual([
      expect.objectContaining({ path: 'query', code: 'custom' }),
    ]);
  });

  it('graphql - an id that is no UUID fails its field with HTTP_BAD_REQUEST and never reaches the store', async () => {
    const gets = strategies.reads.gets;
    const response = await post(
      {
        query: `{ a: backtest(id: "1 or 1=1") { id } b: strategy(id: "x") { id } c: backtests(strategyId: "y") { pageInfo { totalCount } } me { userId } }`,
      },
      user('u1'),
    );
    expect(response.status).toBe(200);
    expect(codes(response.body)).toEqual(['HTTP_BAD_REQUEST', 'HTTP_BAD_REQUEST', 'HTTP_BAD_REQUEST']);
    expect(response.body.errors[0].extensions.details.issues).toEqual([
      expect.objectContaining({ path: 'id' }),
    ]);
    expect(response.body.data.me).toEqual({ userId: 'u1' });
    expect(strategies.reads.gets).toBe(gets);
  });

  it('graphql - a coded 500 answers HTTP_INTERNAL without its text; a store error keeps only its code', async () => {
    const failing = (code: string) => ({
      ...services,
      market: {
        ...market.port,
        markets: async () => {
          throw new TicklineError(code, 'insert into secrets values (1)', { details: { sqlState: '22021' } });
        },
      },
    });
    await start({ services: failing('STORE_QUERY_FAILED') });
    const internal = await post({ query: '{ markets { nodes { symbol } } }' });
    expect(internal.body.errors).toEqual([
      expect.objectContaining({ message: 'internal error', extensions: { code: 'HTTP_INTERNAL' } }),
    ]);
    await app!.close();
    await start({ services: failing('STORE_UNIQUE_VIOLATION') });
    const conflict = await post({ query: '{ markets { nodes { symbol } } }' });
    expect(conflict.body.errors).toEqual([
      expect.objectContaining({ message: 'database error', extensions: { code: 'STORE_UNIQUE_VIOLATION' } }),
    ]);
  });

  it('graphql - an invalid document answers GRAPHQL_INVALID_QUERY', async () => {
    const response = await post({ query: '{ nope }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_INVALID_QUERY']);
    const missing = await post({ variables: {} });
    expect(missing.status).toBe(400);
    // No query and no hash: mercurius asks for the query as for an unknown persisted one.
    expect(codes(missing.body)).toEqual(['GRAPHQL_PERSISTED_QUERY_NOT_FOUND']);
  });
});
