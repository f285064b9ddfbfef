/**
 * The statements one nested query sends to SQL, counted on the real strategy and trading hosts (PGlite,
 * identity, repositories, live trading's books, journal, risk controls and run store): the
 * dashboard's portfolio with positions, their tickers, the runs on it with their strategies and
 * versions, and a page of strategies with versions and backtests with results, for 2 and for 20
 * of each. Only statements issued by the query itself are counted (background beats are not).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { requestAuth, type IdentityHost } from '@tickline/identity';
import { createMetricsRegistry, silentLogger, systemClock, uuidv7 } from '@tickline/kernel';
import type { StoredResult } from '@tickline/strategy';
import { createTradingTestApp, type TradingTestApp } from '@tickline/trading/internal';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlSchema } from '../config.ts';
import { createGraphqlHost } from '../module/graphql-host.ts';
import { graphqlRoutes } from '../module/graphql-routes.ts';
import { fakeMarket } from '../testing/fake-services.ts';

const QUERY = `query Dashboard($id: ID!) {
  portfolio(id: $id) {
    equity
    positions { symbol quantity unrealizedPnl ticker { symbol } }
    liveRuns { id state strategy { name versions { version } } }
    orders { nodes { clientOrderId } }
    risk { custom killSwitch { engaged } }
  }
  strategies(first: 50) {
    nodes { name versions { version } backtests(first: 2) { nodes { status strategy { name } result { metrics { totalReturn } } } } }
  }
}`;

/** The counter of the request being handled, by its `x-count` header (see the onRequest hook). */
const counting = new AsyncLocalStorage<{ statements: number }>();
const counters = new Map<string, { statements: number }>();
let t: TradingTestApp;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTradingTestApp({ tiers: { free: { maxStrategies: 100 } } });
  // Every statement of the process passes here; only the query's own are counted.
  const query = t.sql.query.bind(t.sql);
  t.sql.query = (...args: Parameters<typeof query>) => {
    const counter = counting.getStore();
    if (counter) counter.statements++;
    return query(...args);
  };
  const host = createGraphqlHost({
    identity: { auth: requestAuth(t.identity), identity: t.identity } as unknown as IdentityHost,
    strategy: t.host,
    trading: t.trading,
    settings: GraphqlSchema.parse({}),
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    clock: systemClock,
  });
  app = Fastify();
  // Entered in a synchronous hook, the counter follows everything the request then does.
  app.addHook('onRequest', (request, _reply, done) => {
    const counter = counters.get(String(request.headers['x-count']));
    if (counter) counting.enterWith(counter);
    done();
  });
  await app.register(graphqlRoutes(host.settings, { ...host.ports, market: fakeMarket().port }), {
    prefix: '/api/v1',
  });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
});

const result = (totalReturn: number): StoredResult => ({
  metrics: { totalReturn, drawdown: { maxDrawdown: -0.1 } } as StoredResult['metrics'],
  trades: [],
  tradesTruncated: false,
  equity: [[0, 100]],
  logs: [],
  plots: [],
  bars: 1,
});

/** A new user with `n` strategies (a version and a succeeded backtest each), `n` live runs and `n` positions. */
async function seed(n: number) {
  const user = await t.user();
  const { repository } = t.host;
  const live = t.trading.live!;
  const now = new Date();
  for (let i = 0; i < n; i++) {
    const strategy = await repository.createStrategy({
      id: uuidv7(),
      userId: user.userId,
      name: `s${i}`,
      now,
    });
    await repository.saveVersion({
      userId: user.userId,
      strategyId: strategy.id,
      source: 'x',
      js: 'x',
      language: 'javascript',
      params: {},
      now,
    });
    const run = await repository.createRun({
      id: uuidv7(),
      userId: user.userId,
      strategyId: strategy.id,
      version: 1,
      request: { symbol: 'BTC-USD', interval: '1h', from: 0, to: 1, params: {}, settings: {} },
      now,
    });
    await repository.completeRun(run.id, result(i / 100), now);
    // Paused: the runners' sync leaves a paused run alone (no sandbox session for this code).
    await live.store.save({
      id: `${user.userId}:${strategy.id}`,
      strategyId: strategy.id,
      version: 1,
      userId: user.userId,
      tier: 'free',
      portfolioId: user.userId,
      params: {},
      feeds: [{ symbol: 'BTC-USD', interval: '1m' }],
      warmupBars: 0,
    });
    await live.store.pause(`${user.userId}:${strategy.id}`, { code: 'user', reason: 'test', at: Date.now() });
  }
  const positions = Array.from({ length: n }, (_, i) => ({
    symbol: `C${i}-USD`,
    quantity: 1 + i,
    averagePrice: 10,
  }));
  live.routeOptions.books.open(user.userId, 100_000, positions);
  return user;
}

/** Runs the dashboard query as `user`, checks the answer holds `n` of everything, counts statements. */
async function statementsFor(n: number): Promise<number> {
  const user = await seed(n);
  const counter = { statements: 0 };
  counters.set(user.userId, counter);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/graphql',
    headers: { ...user.auth, 'x-count': user.userId },
    payload: { query: QUERY, variables: { id: user.userId } },
  });
  const body = response.json<{ data: any; errors?: unknown }>();
  expect(body.errors).toBeUndefined();
  const { portfolio, strategies } = body.data;
  expect(portfolio.positions).toHaveLength(n);
  expect(portfolio.liveRuns).toHaveLength(n);
  expect(
    portfolio.liveRuns.every((r: { strategy: { versions: unknown[] } }) => r.strategy.versions.length === 1),
  ).toBe(true);
  expect(strategies.nodes).toHaveLength(n);
  expect(strategies.nodes[0].backtests.nodes[0].result.metrics.totalReturn).toEqual(expect.any(Number));
  return counter.statements;
}

describe('graphql - SQL statements of a nested query', () => {
  it('sql - the dashboard query sends as many statements for 20 positions, runs and strategies as for 2', async () => {
    const few = await statementsFor(2);
    const many = await statementsFor(20);
    expect(many).toBe(few);
    // The counter saw the query (10 statements when this was written).
    expect(few).toBeGreaterThan(0);
    // Authentication, the portfolio's orders and risk, its runs, their strategies and versions,
    // the strategies page, its versions, backtests and results: a handful, not one per item.
    expect(few).toBeLessThanOrEqual(12);
  });
});
