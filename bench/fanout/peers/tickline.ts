/**
 * @module Tickline's gateway as deployed: Fastify, stream-ticket authentication from a cookie,
 * channel rules checked on subscribe, history kept for resume, metrics counted.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry } from '@tickline/kernel';
import {
  createChannelAuthorizer,
  createHub,
  createRealtimeGateway,
  createStreamTicketIssuer,
  createTicketAuthenticator,
  realtimeRoutes,
} from '@tickline/realtime';
import { BENCH_CHANNEL } from '../ipc.ts';
import type { Peer } from './peer.ts';

const COOKIE = 'tl_stream';

export async function startTickline(): Promise<Peer> {
  const hub = createHub();
  const issuer = createStreamTicketIssuer({
    secret: 'bench-secret-bench-secret-bench-secret',
    ttlMs: 30 * 60_000,
  });
  const gateway = createRealtimeGateway<{ id: string }>({
    hub,
    metrics: createMetricsRegistry({ processMetrics: false }),
    authenticate: createTicketAuthenticator({
      issuer,
      cookie: COOKIE,
      toPrincipal: (claims) => ({ id: claims.sub }),
    }),
    authorize: createChannelAuthorizer<{ id: string }>([
      { pattern: 'market:**', allow: () => true },
      { pattern: 'user:{id}', allow: (user, { id }) => user.id === id },
    ]),
  });
  const app = Fastify();
  await app.register(realtimeRoutes, { gateway });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.server.address() as AddressInfo).port,
    cookie: `${COOKIE}=${issuer.issue('bench-user')}`,
    broadcast: (event) => void hub.publish(BENCH_CHANNEL, event),
    close: async () => {
      await app.close();
      hub.close();
    },
  };
}
