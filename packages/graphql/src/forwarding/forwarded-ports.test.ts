/**
 * A gateway's GraphQL over the owners' ports: the schema answers through request/reply what the
 * owner's own ports answer (Maps and Dates intact), a loader's batch stays one request however
 * many parents ask, the owner authenticates and checks scopes, and no owner answering is a coded
 * 503 on the field alone.
 */
import { createInProcessRequestReply, type RequestReply, type Responder } from '@tickline/eventlog';
import { describeErrorCode } from '@tickline/kernel';
import { createLiveTestApp, type LiveTestApp } from '@tickline/trading/internal';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardedPorts, GraphqlServices } from '../schema/services.ts';
import {
  fakeAuth,
  fakeMarket,
  fakeNotifications,
  fakeStrategies,
  fakeTrading,
} from '../testing/fake-services.ts';
import { startGraphqlTestApp, type GraphqlTestApp } from '../testing/graphql-test-app.ts';
import { createForwardedPorts } from './forwarded-ports.ts';
import { portService } from './forwarded-port-spec.ts';
import { servePorts } from './port-responder.ts';

const strategyState = { count: 3 };
const strategies = fakeStrategies(strategyState);
const market = fakeMarket();
let live: LiveTestApp;
let owner: ForwardedPorts;
let rpc: RequestReply;
let responders: Responder[] = [];
/** Requests the gateway sent, by service. */
let sent: string[] = [];
let gateway: GraphqlTestApp | undefined;

const user = (id: string) => ({ authorization: `Bearer ${id}` });
const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

beforeAll(async () => {
  live = await createLiveTestApp({
    portfolios: { u1: 'u1', u2: 'u2' },
    prices: { 'BTC-USD': 100, 'ETH-USD': 10 },
    openingCash: 1_000_000,
    strategies: {},
  });
  owner = {
    strategies: strategies.port,
    trading: fakeTrading(live.routeOptions),
    notifications: fakeNotifications(),
  };
});
afterAll(() => live.close());
afterEach(async () => {
  await gateway?.app.close();
  await Promise.all(responders.map((r) => r.close()));
  await rpc.close();
});

/** The owner serving its ports, and a gateway (identity and market only) forwarding to it. */
async function start(options: { ownerAnswers?: boolean } = {}): Promise<GraphqlTestApp> {
  rpc = createInProcessRequestReply();
  responders = options.ownerAnswers === false ? [] : await servePorts(rpc, owner);
  sent = [];
  const counting: RequestReply = {
    ...rpc,
    request: (service, body, requestOptions) => {
      sent.push(service);
      return rpc.request(service, body, requestOptions);
    },
  };
  const services: GraphqlServices = {
    auth: fakeAuth(),
    market: market.port,
    forwarded: createForwardedPorts({
      rpc: counting,
      owners: { strategy: 'strategy', trading: 'strategy', notify: 'platform' },
    }),
  };
  gateway = await startGraphqlTestApp(services);
  return gateway;
}

describe('graphql forwarding - a gateway reaches the owners over request/reply', () => {
  it('forwarding - strategies with versions and backtests: the owner’s answer, one request per batch', async () => {
    const app = await start();
    const local = await startGraphqlTestApp({ auth: fakeAuth(), strategies: strategies.port });
    const query = {
      query:
        '{ strategies(first: 100) { nodes { id name createdAt versions { version createdAt } backtests(first: 1) { nodes { status strategy { id } result { metrics { maxDrawdown } } } } } } }',
    };
    const requests = async (count: number) => {
      strategyState.count = count;
      sent = [];
      const answer = await app.post(query, user('u1'));
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body).toEqual((await local.post(query, user('u1'))).body);
      expect(answer.body.data.strategies.nodes).toHaveLength(count);
      return sent.length;
    };
    try {
      const few = await requests(3);
      // principal, list, versions, runs, each run's strategy, results: one each.
      expect(few).toBe(6);
      expect(await requests(40)).toBe(few);
    } finally {
      strategyState.count = 3;
      await local.app.close();
    }
  });

  it('forwarding - an order placed through the gateway shows in the portfolio; the inbox answers', async () => {
    const app = await start();
    const placed = await app.post(
      {
        query:
          'mutation { placeOrder(portfolioId: "u1", idempotencyKey: "gw-1", input: { symbol: "BTC-USD", side: "buy", quantity: 2 }) { order { status } rejection { code } } }',
      },
      user('u1'),
    );
    expect(placed.body).toEqual({ data: { placeOrder: { order: { status: 'filled' }, rejection: null } } });
    const read = await app.post(
      {
        query:
          '{ portfolio(id: "u1") { id positions { symbol quantity } orders(status: ALL) { nodes { symbol status } } } notifications(first: 2) { unread nodes { title } } }',
      },
      user('u1'),
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.portfolio).toMatchObject({
      id: 'u1',
      positions: [{ symbol: 'BTC-USD', quantity: 2 }],
      orders: { nodes: [{ symbol: 'BTC-USD', status: 'filled' }] },
    });
    expect(read.body.data.notifications).toEqual({
      unread: 3,
      nodes: [{ title: 'entry 3' }, { title: 'entry 2' }],
    });
  });

  it('forwarding - the owner authenticates: another user’s portfolio is not found, a missing scope is coded', async () => {
    const app = await start();
    const other = await app.post({ query: '{ portfolio(id: "u2") { id } me { userId } }' }, user('u1'));
    expect(codes(other.body)).toEqual(['STRATEGY_PORTFOLIO_NOT_FOUND']);
    expect(other.body.data).toEqual({ portfolio: null, me: { userId: 'u1' } });
    const key = await app.post(
      { query: '{ portfolio(id: "u1") { id } strategies { nodes { id } } }' },
      { 'x-api-key': 'u1|strategies:read' },
    );
    expect(codes(key.body)).toEqual(['AUTH_FORBIDDEN']);
    expect(key.body.data.portfolio).toBeNull();
    expect(key.body.data.strategies.nodes).toHaveLength(3);
  });

  it('forwarding - no owner answering: the field fails alone with a coded 503', async () => {
    const app = await start({ ownerAnswers: false });
    const answer = await app.post({ query: '{ strategies { nodes { id } } me { userId } }' }, user('u1'));
    expect(answer.status).toBe(200);
    expect(codes(answer.body)).toEqual(['EVLOG_RPC_NO_RESPONDER']);
    expect(describeErrorCode('EVLOG_RPC_NO_RESPONDER')?.httpStatus).toBe(503);
    expect(answer.body.errors[0].message).toContain('no strategy process answered');
    expect(answer.body.data).toEqual({ strategies: null, me: { userId: 'u1' } });
  });

  it('forwarding - the owner answers only the schema’s functions', async () => {
    await start();
    const call = { fn: 'repository.saveVersion', args: [], headers: {}, requestId: 'r1' };
    await expect(rpc.request(portService('strategies'), call)).rejects.toMatchObject({
      code: 'GRAPHQL_FIELD_UNAVAILABLE',
    });
  });
});
