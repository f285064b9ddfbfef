/**
 * @module Tickline's GraphQL subscriptions as deployed: the same hub and gateway as the WebSocket
 * peer, Mercurius serving graphql-ws at `/api/v1/graphql`, each connection admitted by the gateway
 * at its first subscription (credential in `connection_init`), the channel rule checked, resume
 * history kept. Each event is the throttled ticker's shape on `market:BTC-USD:ticker`; the
 * subscribers select its size and time under the aliases `seq` and `ts`, so the load generator
 * finds them as in every other peer's messages.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyRequest } from 'fastify';
import { graphqlRoutes, GraphqlSchema } from '@tickline/graphql';
import { createMetricsRegistry, type Caller, type RequestAuth } from '@tickline/kernel';
import {
  createChannelAuthorizer,
  createHub,
  createRealtimeGateway,
  STREAM_CHANNEL_RULES,
  type StreamPrincipal,
} from '@tickline/realtime';
import type { Peer } from './peer.ts';

/** What a subscriber sends in `connection_init`. */
export const GRAPHQL_BENCH_TOKEN = 'Bearer bench-user';
/** The channel the GraphQL subscribers read (a `ticker` subscription). */
export const GRAPHQL_BENCH_CHANNEL = 'market:BTC-USD:ticker';
/** The subscription each subscriber sends: `seq` and `ts` are aliases of numeric fields. */
export const GRAPHQL_BENCH_QUERY =
  'subscription { ticker(symbol: "BTC-USD") { eventId ticker { seq: lastSize ts: lastTradeAt last } } }';

/** One user for every subscriber, authenticated by the bearer in the payload (no tier limit). */
function benchAuth(): RequestAuth<FastifyRequest> {
  const caller: Caller = { userId: 'bench-user', role: 'user', kind: 'user' };
  return {
    async authenticate(request) {
      if (request.headers.authorization !== GRAPHQL_BENCH_TOKEN) throw new Error('no credential');
    },
    caller: () => caller,
    admin: () => caller,
    async authorize() {},
  };
}

export async function startTicklineGraphql(): Promise<Peer> {
  const hub = createHub();
  const gateway = createRealtimeGateway<StreamPrincipal>({
    hub,
    metrics: createMetricsRegistry({ processMetrics: false }),
    authenticate: () => null,
    authorize: createChannelAuthorizer(STREAM_CHANNEL_RULES, { scopesOf: (p) => p.scopes }),
  });
  const app = Fastify();
  await app.register(
    graphqlRoutes(GraphqlSchema.parse({}), {
      auth: benchAuth(),
      live: { hub, gateway, maxBufferedBytes: 1024 * 1024 },
    }),
    { prefix: '/api/v1' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.server.address() as AddressInfo).port,
    broadcast: (event) =>
      void hub.publish(GRAPHQL_BENCH_CHANNEL, {
        id: event.id,
        type: 'market.ticker',
        data: {
          symbol: 'BTC-USD',
          last: event.data['price'],
          lastSize: event.data.seq,
          lastSide: event.data['side'],
          lastTradeAt: event.data.ts,
          stats24h: null,
        },
      }),
    close: async () => {
      await app.close();
      await gateway.close();
      hub.close();
    },
  };
}
