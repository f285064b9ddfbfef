/**
 * Subscriptions over a real socket: `graphql-ws`'s own client (and a raw `ws` one where a test
 * must stop reading) against the GraphQL routes on a listening Fastify, fed by a real hub and
 * admitted by a real realtime gateway with the stream channel rules.
 */
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createMetricsRegistry,
  defineErrorCodes,
  OPERATION_RATE_LIMIT,
  silentLogger,
  TicklineError,
  uuidv7,
} from '@tickline/kernel';
import {
  createChannelAuthorizer,
  createHub,
  createRealtimeGateway,
  STREAM_CHANNEL_RULES,
  type Hub,
  type RealtimeGateway,
  type StreamPrincipal,
} from '@tickline/realtime';
import { until } from '@tickline/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GraphqlSchema } from '../config.ts';
import { graphqlRoutes } from '../module/graphql-routes.ts';
import { fakeAuth } from '../testing/fake-services.ts';
import { graphqlWsClient, type TestGraphqlWsClient } from '../testing/graphql-ws-client.ts';
import { SharedExecutions } from './shared-execution.ts';

defineErrorCodes({
  HTTP_RATE_LIMITED: { meaning: 'Too many requests.', resolve: 'Wait for Retry-After.', httpStatus: 429 },
});

interface World {
  app: FastifyInstance;
  hub: Hub;
  gateway: RealtimeGateway<StreamPrincipal>;
  url: string;
  clients: TestGraphqlWsClient[];
  sockets: WebSocket[];
  shares: SharedExecutions;
}
let world: World | undefined;

afterEach(async () => {
  if (!world) return;
  for (const client of world.clients) await client.dispose();
  for (const socket of world.sockets) socket.terminate();
  await world.app.close();
  await world.gateway.close();
  world.hub.close();
  world = undefined;
});

async function start(
  options: {
    maxBufferedBytes?: number;
    budget?: { left: number };
    replies?: WeakRef<object>[];
    reads?: WeakRef<ArrayBuffer>[];
  } = {},
): Promise<World> {
  const hub = createHub();
  const gateway = createRealtimeGateway<StreamPrincipal>({
    hub,
    authenticate: () => null,
    // The realtime module's rules, and a stand-in for strategy's: only `mine`'s owner reads its signals.
    authorize: createChannelAuthorizer(
      [...STREAM_CHANNEL_RULES, { pattern: 'strategy:{id}:signals', allow: (_p, { id }) => id === 'mine' }],
      { scopesOf: (principal) => principal.scopes },
    ),
    principals: {
      connectionLimit: (p) => (p.maxStreams === undefined ? undefined : { key: p.userId, max: p.maxStreams }),
    },
    metrics: createMetricsRegistry({ processMetrics: false }),
    logger: silentLogger,
  });
  const app = Fastify();
  const replies = options.replies;
  // The upgrade's reply, its Fastify and Node requests and the head `@fastify/websocket` put on the latter.
  const headOf = (raw: object) =>
    Object.getOwnPropertySymbols(raw).find((symbol) => symbol.description === 'ws-head');
  if (replies)
    app.addHook('onRequest', async (request, reply) => {
      const head = (request.raw as unknown as Record<symbol, object>)[headOf(request.raw)!]!;
      replies.push(new WeakRef(reply), new WeakRef(request), new WeakRef(request.raw), new WeakRef(head));
      // Every read of the client's frames, through the ArrayBuffer each comes in (ws's last mask).
      const reads = options.reads ?? [];
      request.raw.socket.on('data', (chunk: Buffer) => reads.push(new WeakRef(chunk.buffer as ArrayBuffer)));
    });
  const shares = new SharedExecutions();
  const budget = options.budget;
  await app.register(
    async (scope) => {
      if (budget)
        scope.decorate(OPERATION_RATE_LIMIT, {
          async take(_request: unknown, count: number) {
            budget.left -= count;
            if (budget.left < 0) throw new TicklineError('HTTP_RATE_LIMITED', 'rate limit exceeded');
          },
        });
      await scope.register(
        graphqlRoutes(
          GraphqlSchema.parse({}),
          {
            auth: fakeAuth(),
            live: { hub, gateway, maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024 },
          },
          { pingIntervalMs: 60_000, subscriptionShares: shares },
        ),
      );
    },
    { prefix: '/api/v1' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/api/v1/graphql`;
  world = { app, hub, gateway, url, clients: [], sockets: [], shares };
  return world;
}

function clientOf(w: World, connectionParams?: Record<string, string>): TestGraphqlWsClient {
  const client = graphqlWsClient(w.url, connectionParams);
  w.clients.push(client);
  return client;
}

const subscribe = (client: TestGraphqlWsClient, query: string, variables?: Record<string, unknown>) =>
  client.record(query, variables);

// Event ids are UUIDv7 taken after the hub started: older ones fall below its resume floor.
const ids = new Map<number, string>();
const idOf = (n: number) => ids.get(n) ?? (ids.set(n, uuidv7()), ids.get(n)!);
const tickerEvent = (n: number) => ({
  id: idOf(n),
  type: 'market.ticker',
  data: { symbol: 'BTC-USD', last: 100 + n, lastSize: 1, lastSide: 'buy', lastTradeAt: n, stats24h: null },
});
const TICKER =
  'subscription($after: ID) { ticker(symbol: "BTC-USD", after: $after) { eventId type ticker { last } } }';
const subscribers = (w: World, channel: string, n: number) =>
  until(() => w.hub.subscriberCount(channel) === n);

describe('graphql subscriptions - over graphql-ws', () => {
  it('ticker - delivers what the hub publishes, and resumes after the last event id', async () => {
    const w = await start();
    ids.clear();
    const client = clientOf(w, { authorization: 'Bearer u1' });
    const live = subscribe(client, TICKER);
    await subscribers(w, 'market:BTC-USD:ticker', 1);
    for (const n of [1, 2, 3]) w.hub.publish('market:BTC-USD:ticker', tickerEvent(n));
    await until(() => live.data.length === 3);
    expect(live.data[0]).toEqual({
      ticker: { eventId: tickerEvent(1).id, type: 'market.ticker', ticker: { last: 101 } },
    });
    // A second subscription resumes after the first event: the two it missed are replayed.
    const resumed = subscribe(client, TICKER, { after: tickerEvent(1).id });
    await until(() => resumed.data.length === 2);
    expect(
      resumed.data.map((d) => (d as { ticker: { ticker: { last: number } } }).ticker.ticker.last),
    ).toEqual([102, 103]);
    expect(w.gateway.stats().graphql).toMatchObject({ connections: 1, messages: 5 });
  });

  it("user channel - order updates, inbox entries and a backtest's progress each take their own events", async () => {
    const w = await start();
    const client = clientOf(w, { authorization: 'Bearer u1' });
    const orders = subscribe(
      client,
      'subscription { orderUpdates { type clientOrderId orderType fill { price } } }',
    );
    const inbox = subscribe(client, 'subscription { inbox { type entry { title } unread } }');
    const progress = subscribe(
      client,
      'subscription { backtestProgress(backtestId: "b1") { type backtestId progress status } }',
    );
    await subscribers(w, 'user:u1', 3);
    const publish = (n: number, type: string, data: unknown) =>
      w.hub.publish('user:u1', { id: `0190b5f4-0000-7000-8000-00000000010${n}`, type, data });
    publish(1, 'order.filled', { clientOrderId: 'o1', type: 'market', fill: { price: 10 } });
    publish(2, 'notification.inbox.added', {
      id: 'n1',
      title: 'hello',
      kind: 'system',
      body: '',
      data: {},
      unread: 4,
    });
    publish(3, 'backtest.progress', { backtestId: 'b2', progress: 0.5 });
    publish(4, 'backtest.progress', { backtestId: 'b1', progress: 0.25 });
    publish(5, 'backtest.completed', { backtestId: 'b1', status: 'succeeded' });
    await until(() => orders.data.length === 1 && inbox.data.length === 1 && progress.data.length === 2);
    expect(orders.data).toEqual([
      {
        orderUpdates: { type: 'order.filled', clientOrderId: 'o1', orderType: 'market', fill: { price: 10 } },
      },
    ]);
    expect(inbox.data).toEqual([
      { inbox: { type: 'notification.inbox.added', entry: { title: 'hello' }, unread: 4 } },
    ]);
    expect(progress.data).toEqual([
      { backtestProgress: { type: 'backtest.progress', backtestId: 'b1', progress: 0.25, status: null } },
      {
        backtestProgress: {
          type: 'backtest.completed',
          backtestId: 'b1',
          progress: null,
          status: 'succeeded',
        },
      },
    ]);
  });

  it("channel rules - another strategy's signals are RT_FORBIDDEN; a key needs each field's scope", async () => {
    const w = await start();
    const client = clientOf(w, { authorization: 'Bearer u1' });
    const theirs = subscribe(client, 'subscription { signals(strategyId: "theirs") { type } }');
    const mine = subscribe(client, 'subscription { signals(strategyId: "mine") { type } }');
    await until(() => theirs.done);
    expect(theirs.errors.map((e) => e.extensions?.code)).toEqual(['RT_FORBIDDEN']);
    await subscribers(w, 'strategy:mine:signals', 1);
    expect(mine.errors).toEqual([]);
    // The scope the schema's table declares for the field, checked as it subscribes (as REST's
    // routes check theirs): a portfolio:read key gets its orders, not tickers or the inbox.
    const key = clientOf(w, { 'x-api-key': 'u2|portfolio:read' });
    const refused = [TICKER, 'subscription { inbox { unread } }'].map((query) => subscribe(key, query));
    const orders = subscribe(key, 'subscription { orderUpdates { orderType } }');
    await until(() => refused.every((r) => r.done));
    for (const r of refused) expect(r.errors.map((e) => e.extensions?.code)).toEqual(['AUTH_FORBIDDEN']);
    await subscribers(w, 'user:u2', 1);
    expect(orders.errors).toEqual([]);
  });

  it('admission - no credential is AUTH_UNAUTHENTICATED, then close 4501 (do not retry)', async () => {
    const w = await start();
    const client = clientOf(w);
    const refused = subscribe(client, TICKER);
    await until(() => refused.done && client.closes.length === 1);
    expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['AUTH_UNAUTHENTICATED']);
    expect(client.closes).toEqual([4501]);
  });

  it("admission - a subscription flood past the user's stream limit is RT_USER_CONNECTION_LIMIT, close 4029", async () => {
    const w = await start();
    // The fake identity gives every user a limit of 2 streams.
    const held = [clientOf(w, { authorization: 'Bearer u1' }), clientOf(w, { authorization: 'Bearer u1' })];
    for (const client of held) subscribe(client, TICKER);
    await subscribers(w, 'market:BTC-USD:ticker', 2);
    const third = clientOf(w, { authorization: 'Bearer u1' });
    const refused = subscribe(third, TICKER);
    await until(() => refused.done && third.closes.length === 1);
    expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['RT_USER_CONNECTION_LIMIT']);
    expect(third.closes).toEqual([4029]);
    // Many subscriptions on one admitted connection are one stream: they all pass.
    const many = Array.from({ length: 20 }, () => subscribe(held[0]!, TICKER));
    await subscribers(w, 'market:BTC-USD:ticker', 22);
    expect(many.flatMap((m) => m.errors)).toEqual([]);
    expect(w.gateway.stats().graphql.connections).toBe(2);
    // The event loop kept serving: another user is admitted at once.
    const other = subscribe(clientOf(w, { authorization: 'Bearer u2' }), TICKER);
    await subscribers(w, 'market:BTC-USD:ticker', 23);
    expect(other.errors).toEqual([]);
  });

  it('limits - a subscription document over the depth limit or invalid is refused with its code', async () => {
    const w = await start();
    const client = clientOf(w, { authorization: 'Bearer u1' });
    let deep = 'type';
    for (let i = 0; i < 13; i++) deep = `ticker { ${deep} }`;
    const tooDeep = subscribe(
      client,
      `subscription { ticker(symbol: "BTC-USD") { ${deep.slice('ticker { '.length)} }`,
    );
    const invalid = subscribe(client, 'subscription { ticker(symbol: "BTC-USD") { nope } }');
    await until(() => tooDeep.done && invalid.done);
    expect(tooDeep.errors.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_DEPTH_EXCEEDED']);
    expect(invalid.errors.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_INVALID_QUERY']);
  });

  it('rate limit - each subscribe is an operation counted against the caller', async () => {
    const w = await start({ budget: { left: 2 } });
    const client = clientOf(w, { authorization: 'Bearer u1' });
    const first = [subscribe(client, TICKER), subscribe(client, TICKER)];
    await subscribers(w, 'market:BTC-USD:ticker', 2);
    const spent = subscribe(client, TICKER);
    await until(() => spent.done);
    expect(spent.errors.map((e) => e.extensions?.code)).toEqual(['HTTP_RATE_LIMITED']);
    expect(first.flatMap((f) => f.errors)).toEqual([]);
  });

  it('sign-out everywhere - the gateway ends the connection with 4503, as its own streams', async () => {
    const w = await start();
    const client = clientOf(w, { authorization: 'Bearer u1' });
    subscribe(client, TICKER);
    await subscribers(w, 'market:BTC-USD:ticker', 1);
    expect(w.gateway.disconnect((p) => p.userId === 'u1', 'RT_SESSION_REVOKED')).toBe(1);
    await until(() => client.closes.length === 1);
    expect(client.closes).toEqual([4503]);
    await subscribers(w, 'market:BTC-USD:ticker', 0);
  });
});

describe('graphql subscriptions - one execution per event, shared', () => {
  it('same document - every subscriber gets the event from one execution, whoever it is', async () => {
    const w = await start();
    const users = ['u1', 'u2', 'u3'].map((u) => clientOf(w, { authorization: `Bearer ${u}` }));
    const received = users.map((client) => subscribe(client, TICKER));
    // Another symbol through a variable: a document of its own, executed apart.
    const eth = subscribe(
      users[0]!,
      'subscription($s: String!) { ticker(symbol: $s) { eventId ticker { last } } }',
      { s: 'ETH-USD' },
    );
    await subscribers(w, 'market:BTC-USD:ticker', 3);
    await subscribers(w, 'market:ETH-USD:ticker', 1);
    expect(w.shares.size).toBe(2);
    for (const n of [1, 2]) w.hub.publish('market:BTC-USD:ticker', tickerEvent(n));
    w.hub.publish('market:ETH-USD:ticker', {
      ...tickerEvent(3),
      data: { ...tickerEvent(3).data, symbol: 'ETH-USD' },
    });
    await until(() => received.every((r) => r.data.length === 2) && eth.data.length === 1);
    for (const r of received)
      expect(r.data.map((d) => (d as { ticker: { ticker: { last: number } } }).ticker.ticker.last)).toEqual([
        101, 102,
      ]);
    expect(eth.data).toEqual([{ ticker: { eventId: tickerEvent(3).id, ticker: { last: 103 } } }]);
    expect(w.gateway.stats().graphql.messages).toBe(7);
    expect(w.shares.size).toBe(2);
    for (const client of users) await client.dispose();
    await subscribers(w, 'market:BTC-USD:ticker', 0);
    await until(() => w.shares.size === 0);
  });

  it("user channels - one document, two users: each receives only its own channel's events", async () => {
    const w = await start();
    const query = 'subscription { orderUpdates { type clientOrderId } }';
    const u1 = subscribe(clientOf(w, { authorization: 'Bearer u1' }), query);
    const u2 = subscribe(clientOf(w, { authorization: 'Bearer u2' }), query);
    await subscribers(w, 'user:u1', 1);
    await subscribers(w, 'user:u2', 1);
    const order = (user: string, n: number) =>
      w.hub.publish(`user:${user}`, {
        id: `0190b5f4-0000-7000-8000-00000000020${n}`,
        type: 'order.placed',
        data: { clientOrderId: `${user}-o${n}` },
      });
    order('u1', 1);
    order('u2', 2);
    order('u1', 3);
    await until(() => u1.data.length === 2 && u2.data.length === 1);
    expect(
      u1.data.map((d) => (d as { orderUpdates: { clientOrderId: string } }).orderUpdates.clientOrderId),
    ).toEqual(['u1-o1', 'u1-o3']);
    expect(u2.data).toEqual([{ orderUpdates: { type: 'order.placed', clientOrderId: 'u2-o2' } }]);
  });
});

describe('graphql subscriptions - the protocol', () => {
  /** A raw graphql-transport-ws socket and the close code it ends with. */
  async function rawClient(w: World): Promise<{ socket: WebSocket; closed: Promise<number> }> {
    const socket = new WebSocket(w.url, 'graphql-transport-ws');
    w.sockets.push(socket);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    return { socket, closed };
  }
  const send = (socket: WebSocket, message: object) => socket.send(JSON.stringify(message));
  const init = { type: 'connection_init', payload: { authorization: 'Bearer u1' } };
  const subscribeTicker = { id: '1', type: 'subscribe', payload: { query: TICKER } };

  it('close codes - a second init 4429, a subscribe before init 4401, a bad message 4400, an id in use 4409', async () => {
    const w = await start();
    const twice = await rawClient(w);
    send(twice.socket, init);
    send(twice.socket, init);
    const early = await rawClient(w);
    send(early.socket, subscribeTicker);
    const bad = await rawClient(w);
    bad.socket.send('not json');
    const reused = await rawClient(w);
    send(reused.socket, init);
    send(reused.socket, subscribeTicker);
    send(reused.socket, subscribeTicker);
    expect(await Promise.all([twice.closed, early.closed, bad.closed, reused.closed])).toEqual([
      4429, 4401, 4400, 4409,
    ]);
  });

  it('memory - a subscribed connection keeps no reply, request, head or client read of its upgrade; events still flow after a collection', async () => {
    const replies: WeakRef<object>[] = [];
    const reads: WeakRef<ArrayBuffer>[] = [];
    const w = await start({ replies, reads });
    const client = clientOf(w, { authorization: 'Bearer u1' });
    const live = subscribe(client, TICKER);
    await subscribers(w, 'market:BTC-USD:ticker', 1);
    expect(replies).toHaveLength(4);
    expect(reads.length).toBeGreaterThan(0);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await until(
      () => {
        gc();
        return [...replies, ...reads].every((ref) => ref.deref() === undefined);
      },
      { timeoutMs: 10_000, what: "the upgrade's reply, request, head and the client's reads collected" },
    );
    for (const n of [1, 2]) w.hub.publish('market:BTC-USD:ticker', tickerEvent(n));
    await until(() => live.data.length === 2, { what: 'events after the collection' });
  });
});

describe('graphql subscriptions - a client that stops reading', () => {
  /** A raw graphql-transport-ws client whose socket stops reading once subscribed. */
  async function stalledClient(w: World, query: string): Promise<{ closed: Promise<number> }> {
    const socket = new WebSocket(w.url, 'graphql-transport-ws');
    w.sockets.push(socket);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer u1' } }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    return { closed };
  }
  const big = 'x'.repeat(8 * 1024);

  it('slow consumer - a user channel past the bound ends the connection with 4008 (RT_SLOW_CONSUMER)', async () => {
    const w = await start({ maxBufferedBytes: 64 * 1024 });
    const { closed } = await stalledClient(w, 'subscription { orderUpdates { type detail } }');
    await subscribers(w, 'user:u1', 1);
    (w.sockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let n = 0; n < 2_000 && w.hub.subscriberCount('user:u1') > 0; n++) {
      w.hub.publish('user:u1', {
        id: `0190b5f4-0000-7000-8000-${String(n).padStart(12, '0')}`,
        type: 'order.placed',
        data: { detail: big },
      });
      if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    (w.sockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(4008);
    expect(w.gateway.stats().graphql.slowConsumerDisconnects).toBe(1);
  });

  it('slow consumer - a market channel past the bound keeps only its newest event, and stays open', async () => {
    const w = await start({ maxBufferedBytes: 64 * 1024 });
    // The bound is on the socket's bytes: the selection carries the padding into each frame.
    await stalledClient(w, 'subscription { ticker(symbol: "BTC-USD") { type ticker { lastSide } } }');
    await subscribers(w, 'market:BTC-USD:ticker', 1);
    (w.sockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let n = 0; n < 2_000; n++) {
      const event = tickerEvent(n);
      w.hub.publish('market:BTC-USD:ticker', { ...event, data: { ...event.data, lastSide: big } });
      if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(w.gateway.stats().graphql.coalesced).toBeGreaterThan(0);
    expect(w.gateway.stats().graphql.slowConsumerDisconnects).toBe(0);
    expect(w.hub.subscriberCount('market:BTC-USD:ticker')).toBe(1);
  });
});
