/**
 * @module Mounting the gateway on Fastify: `GET /api/v1/stream` (SSE) and the `/api/v1/ws`
 * upgrade, and closing the gateway's connections before the server stops (long-lived streams
 * would otherwise keep `close()` waiting).
 */
import type {
  FastifyBaseLogger,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
} from 'fastify';
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
  /** The request id's key in the app's log lines (Fastify's `requestIdLogLabel`). @default 'requestId' (Tickline's) */
  requestIdLogLabel?: string;
}

/**
 * The stream routes' declared scope. They authenticate themselves, outside `/api/v1`'s per-request
 * authorization: a stream ticket, minted only for a credential with `stream:read` (its scopes ride
 * along and each channel checks them), or a signed-in user's session cookie.
 */
const STREAM_ROUTE = { scope: ApiKeyScope.StreamRead };

/**
 * The access-log line of a stream, written when it ends: the app's `onResponse` hooks never see a
 * stream that let go of its response (sse-connection.ts), so it is logged as they would.
 */
function logStreamEnd(
  log: FastifyBaseLogger,
  request: { label: string; id: string },
  url: string,
  openedAt: number,
): void {
  const responseTimeMs = Math.round(performance.now() - openedAt);
  const line = { [request.label]: request.id, method: 'GET', url, statusCode: 200, responseTimeMs };
  log.info(line, 'request completed');
}

/**
 * A Fastify plugin for the stream routes. Register it without a prefix.
 * @example await app.register(realtimeRoutes, { gateway });
 */
export const realtimeRoutes: FastifyPluginAsync<RealtimeRoutesOptions> = async function realtimeRoutes(
  app,
  options,
) {
  const { gateway } = options;
  const ssePath = options.ssePath ?? '/api/v1/stream';
  const requestIdLabel = options.requestIdLogLabel ?? 'requestId';
  const log = app.log;
  app.get(
    ssePath,
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
      // The stream lets go of the request and reply once open (sse-connection.ts), so Fastify's
      // onResponse hooks never see its end: it is logged here, through the app's logger with the
      // request's id. The closure keeps the id and a start time only: the request's own logger
      // (~0.12 KB, issue 50) or the URL (its query string carries the ticket) would stay too.
      const id = request.id;
      const opened = performance.now();
      gateway.openStream(request.raw, reply.raw, admission, {
        headers,
        onEnd: () => logStreamEnd(log, { label: requestIdLabel, id }, ssePath, opened),
      });
      return reply;
    },
  );
  const detach = gateway.attachWebSocket(app.server, options.wsPath ?? '/api/v1/ws');
  app.addHook('preClose', async function closeRealtime() {
    detach();
    await gateway.close();
  });
};
