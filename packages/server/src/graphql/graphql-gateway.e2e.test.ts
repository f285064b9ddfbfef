/**
 * Issue 30 at scale, with real processes on one nats-server, PostgreSQL and redis-server: a
 * gateway that runs neither strategy nor notify answers GraphQL for them by calling the owners'
 * ports over request/reply. Through the gateway's `/api/v1/graphql`: a strategy version created,
 * a backtest queued whose progress a graphql-ws subscription on the gateway receives and whose
 * metrics are then read, an order placed and the portfolio read with its position, the inbox
 * read; and with the strategy process stopped, its fields fail alone with a coded 503.
 */
import type { NatsEventLog } from '@tickline/eventlog';
import { graphqlWsClient } from '@tickline/graphql/internal';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { candleWave, publishCandles, storeCandles } from '../testing/cluster-candles.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const { available, reason } = scaledClusterDependencies({ redis: true });

const SYMBOL = 'BTC-USDT';
const HOUR = 3_600_000;
/** Waits on work across processes on a busy machine: generous. */
const WAIT_MS = 90_000;

let cluster: ScaledCluster | undefined;
let log: NatsEventLog | undefined;
let gateway: ClusterProcess;
let strategyRole: ClusterProcess;
let user: TestUser;

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'graphql_gateway',
    stream: 'GQLGW',
    authSecret: 'graphql-gateway-shared-secret-0123456789',
    // Candles come from the test, as a collector stores and publishes them.
    env: { TICKLINE_MARKET_ENABLED: 'false' },
    redis: true,
  });
  await cluster.start('platform');
  strategyRole = await cluster.start('strategy');
  gateway = await cluster.start('gateway');
  log = await cluster.openLog();
  user = await signUpAndIn(gateway.url, `graphql.${Date.now()}@example.com`);
}, 180_000);
afterAll(async () => {
  await log?.close();
  await cluster?.stop();
}, 60_000);

interface GraphqlAnswer {
  status: number;
  data: any;
  errors?: Array<{ message: string; extensions: { code: string } }>;
}

async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer> {
  const response = await fetch(`${gateway.url}/api/v1/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphqlAnswer, 'status'>) };
}

describe.skipIf(!available)(`graphql through a gateway - the owners' domains (${reason})`, () => {
  it('graphql gateway - a version, a backtest with progress and metrics, an order, the portfolio, the inbox', async () => {
    const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    await storeCandles(cluster!.env.TICKLINE_DATABASE_URL!, candleWave(SYMBOL, to - HOUR, 60));
    // GraphQL creates versions, not strategies: the strategy itself through REST, as the dashboard does.
    const created = await callJson(gateway.url, 'POST', '/api/v1/strategies', {
      bearer: user.accessToken,
      body: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const strategyId = created.body.strategy.id as string;

    const version = await graphql(
      'mutation ($id: ID!, $source: String!) { createStrategyVersion(strategyId: $id, source: $source) { version } }',
      { id: strategyId, source: SMA_CROSS_SOURCE.replace('export default', '// v2\nexport default') },
    );
    expect(version.errors).toBeUndefined();
    expect(version.data.createStrategyVersion).toEqual({ version: 2 });

    // Progress through the gateway's hub, to a graphql-ws client of the gateway.
    const client = graphqlWsClient(`${gateway.url.replace('http', 'ws')}/api/v1/graphql`, {
      authorization: `Bearer ${user.accessToken}`,
    });
    try {
      const progress = client.record('subscription { backtestProgress { type backtestId status } }');
      const queued = await graphql(
        'mutation ($input: QueueBacktestInput!) { queueBacktest(input: $input) { id status version } }',
        { input: { strategyId, symbol: SYMBOL, interval: '1m', from: String(to - HOUR), to: String(to) } },
      );
      expect(queued.errors).toBeUndefined();
      const backtestId = queued.data.queueBacktest.id as string;
      expect(queued.data.queueBacktest.version).toBe(2);
      await until(
        () =>
          progress.data.some(
            (d) =>
              (d as { backtestProgress: { type: string } }).backtestProgress.type === 'backtest.completed',
          ),
        { timeoutMs: WAIT_MS, what: 'backtest.completed on the graphql-ws subscription' },
      );
      expect(progress.errors).toEqual([]);
      expect(progress.data.at(-1)).toEqual({
        backtestProgress: { type: 'backtest.completed', backtestId, status: 'succeeded' },
      });
      const read = await graphql(
        'query ($id: ID!) { backtest(id: $id) { status strategy { id name versions { version } } result { metrics { finalEquity maxDrawdown } trades(first: 1) { pageInfo { totalCount } } } } }',
        { id: backtestId },
      );
      expect(read.errors).toBeUndefined();
      expect(read.data.backtest).toMatchObject({
        status: 'succeeded',
        strategy: { id: strategyId, name: 'cross', versions: [{ version: 1 }, { version: 2 }] },
      });
      expect(typeof read.data.backtest.result.metrics.finalEquity).toBe('number');
    } finally {
      await client.dispose();
    }

    // The paper portfolio the account snapshot opened (its id is the user's).
    await until(
      async () => (await graphql('{ portfolios { nodes { id } } }')).data?.portfolios?.nodes?.length === 1,
      { timeoutMs: WAIT_MS, what: 'the paper portfolio' },
    );
    // A market order is accepted once the strategy process has a price (refused before), and
    // fills at the next price it hears on the log after that.
    let attempt = 0;
    const wave = () => publishCandles(log!, candleWave(SYMBOL, Math.floor(Date.now() / 60_000) * 60_000, 1));
    await until(
      async () => {
        await wave();
        const placed = await graphql(
          'mutation ($p: ID!, $key: String!) { placeOrder(portfolioId: $p, idempotencyKey: $key, input: { symbol: "BTC-USDT", side: "buy", quantity: 0.5 }) { order { status } rejection { code reason } } }',
          { p: user.userId, key: `gql-${++attempt}` },
        );
        expect(placed.errors).toBeUndefined();
        return placed.data.placeOrder.order.status === 'new';
      },
      { timeoutMs: WAIT_MS, intervalMs: 1_000, what: 'an order accepted through GraphQL' },
    );
    await until(
      async () => {
        await wave();
        const orders = await graphql(
          'query ($p: ID!) { portfolio(id: $p) { orders(status: ALL) { nodes { status } } } }',
          {
            p: user.userId,
          },
        );
        return (orders.data.portfolio.orders.nodes as Array<{ status: string }>).some(
          (o) => o.status === 'filled',
        );
      },
      { timeoutMs: WAIT_MS, intervalMs: 1_000, what: 'the order filled at the next price' },
    );
    const portfolio = await graphql(
      'query ($p: ID!) { portfolio(id: $p) { id cash positions { symbol quantity } orders(status: ALL) { nodes { status } } } notifications(first: 5) { unread nodes { id } } }',
      { p: user.userId },
    );
    expect(portfolio.errors).toBeUndefined();
    expect(portfolio.data.portfolio.positions).toEqual([{ symbol: SYMBOL, quantity: 0.5 }]);
    expect(portfolio.data.portfolio.orders.nodes).toContainEqual({ status: 'filled' });
    expect(typeof portfolio.data.notifications.unread).toBe('number');
  }, 300_000);

  it('graphql gateway - with the strategy process stopped, its fields fail alone with a coded 503', async () => {
    strategyRole.child.kill('SIGTERM');
    await strategyRole.exited;
    const answer = await graphql('{ me { userId } strategies { nodes { id } } notifications { unread } }');
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ me: { userId: user.userId }, strategies: null });
    expect(typeof answer.data.notifications.unread).toBe('number');
    expect(answer.errors?.map((e) => e.extensions.code)).toEqual(['EVLOG_RPC_NO_RESPONDER']);
    expect(answer.errors?.[0]?.message).toContain('no strategy process answered');
  }, 60_000);
});
