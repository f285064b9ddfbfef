/**
 * @module Realtime as a domain module: the `realtime` config section, the host (hub, gateway,
 * fan-out bridge), `POST /api/v1/stream/tickets`, and the stream endpoints at their module-defined
 * paths (SSE `GET /api/v1/stream`, WebSocket `/api/v1/ws`) outside the per-request rate limits.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { realtimeConfig } from '../config.ts';
import { realtimeRoutes } from '../fastify/realtime-routes.ts';
import { createRealtimeHost, type RealtimeHost, type RealtimeHostDeps } from './realtime-host.ts';
import { StreamRouteSchema } from './stream-route-schema.ts';
import { streamTicketRoutes } from './stream-ticket-routes.ts';
import { RealtimeErrorCodes } from '../errors.ts';

/** Where the stream endpoints live (the SDK and the dashboard connect there). */
export const STREAM_PATHS = { sse: '/api/v1/stream', ws: '/api/v1/ws' } as const;

export const realtimeModule: DomainModule<
  typeof realtimeConfig.key,
  typeof realtimeConfig.schema,
  RealtimeHostDeps,
  RealtimeHost,
  FastifyPluginAsync
> = {
  name: 'realtime',
  // It publishes no events of its own: it delivers the other domains'.
  errors: [RealtimeErrorCodes],
  config: realtimeConfig,
  migrations: undefined,
  after: ['identity'],
  createHost: createRealtimeHost,
  routes: (host) =>
    streamTicketRoutes({ auth: host.auth, tickets: host.tickets, ticketTtlMs: host.ticketTtlMs }),
  sockets: (host) =>
    async function streams(app) {
      await app.register(realtimeRoutes, {
        gateway: host.gateway,
        ssePath: STREAM_PATHS.sse,
        wsPath: STREAM_PATHS.ws,
        // A zod schema, compiled by the gateway app's zod compilers.
        sseSchema: StreamRouteSchema,
      });
    },
};
