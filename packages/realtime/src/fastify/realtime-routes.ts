/**
 * @module Mounting the gateway on Fastify: `GET /api/v1/stream` (SSE) and the `/api/v1/ws`
 * upgrade, and closing the gateway's connections before the server stops (long-lived streams
 * would otherwise keep `close()` waiting).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { ApiKeyScope } from '@tickline/protocol';
import type { RealtimeGateway } from '../gateway/gateway.ts';

/** Options for {@link realtimeRoutes}. */
export interface RealtimeRoutesOptions {
  gateway: RealtimeGateway<any>;
  /** @default '/api/v1/stream' */
  ssePath?: string;
  /** Absolute path (not prefixed by the plugin's prefix). @default '/api/v1/ws' */
  wsPath?: string;
  /** The SSE route's schema (validated by the host app's compilers; shown in its OpenAPI). */
  sseSchema?: FastifySchema;
}

/**
 * The stream routes' declared scope. They authenticate themselves, outside `/api/v1`'s per-request
 * authorization: a stream ticket, minted only for a credential with `stream:read` (its scopes ride
 * along and each channel checks them), or a signed-in user's session cookie.
 */
const STREAM_ROUTE = { scope: ApiKeyScope.StreamRead };

/**
 * A Fastify plugin for the stream routes. Register it without a prefix.
 * @example await app.register(realtimeRoutes, { gateway });
 */
export const realtimeRoutes: FastifyPluginAsync<RealtimeRoutesOptions> = async function realtimeRoutes(
  app,
  options,
) {
  const { gateway } = options;
  app.get(
    options.ssePath ?? '/api/v1/stream',
    { config: STREAM_ROUTE, ...(options.sseSchema ? { schema: options.sseSchema } : {}) },
    async function stream(request: FastifyRequest, reply: FastifyReply) {
      let admission;
      try {
        admission = await gateway.admitStream(request.raw);
      } catch (error) {
        const refused = gateway.asRealtimeError(error);
        return reply.code(refused.httpStatus).send({ error: refused.toJSON() });
      }
      // Headers hooks already set (request id, CORS) would be lost with the hijack: carry them over.
      const headers = reply.getHeaders() as Record<string, string | number | readonly string[]>;
      reply.hijack();
      gateway.openStream(request.raw, reply.raw, admission, headers);
      return reply;
    },
  );
  const detach = gateway.attachWebSocket(app.server, options.wsPath ?? '/api/v1/ws');
  app.addHook('preClose', async function closeRealtime() {
    detach();
    await gateway.close();
  });
};
