/**
 * @module The HTTP app: Fastify with request ids, correlation, one error shape, probes and
 * metrics, zod validation with an OpenAPI document, security headers, CORS, size limits and
 * optional HTTPS. Domain routes are added by later packages as plugins on the returned instance.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type ConnectionBudget, type Logger, type Registry, type ServiceHealth } from '@tickline/kernel';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { answerFrameworkError, registerErrorHandling } from './error-handler.ts';
import { toFastifyLogger } from './fastify-logger.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { registerMetrics } from './metrics-routes.ts';
import { handleClientError } from './plugins/limits/client-error-handler.ts';
import {
  DEFAULT_CONNECTION_LIMITS,
  guardConnections,
  type ConnectionLimits,
} from './plugins/limits/connection-limits.ts';
import {
  DEFAULT_PRE_AUTH_TIMEOUTS,
  guardUpgrades,
  preAuthServerOptions,
  type PreAuthTimeouts,
} from './plugins/limits/pre-auth-limits.ts';
import { registerOpenApi, type OpenApiOptions } from './plugins/openapi/openapi-plugin.ts';
import { registerCors, type CorsOptions } from './plugins/security/cors.ts';
import { registerSecurityHeaders } from './plugins/security/security-headers.ts';
import type { TlsCredentials } from './plugins/security/tls-options.ts';
import { registerNulRefusal } from './plugins/validation/nul-characters.ts';
import { registerZodCompilers } from './plugins/validation/zod-compilers.ts';
import { registerRequestContext, requestWork } from './request-context.ts';
import { redactUrl } from './redact-url.ts';
import { registerRouteTable } from './route-scopes.ts';
import { requestIdFrom, REQUEST_ID_HEADER } from './request-id.ts';

/** `http.trustProxy`: off, a hop count, or the proxies' addresses and CIDR ranges. */
export type TrustProxy = false | number | readonly string[];

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Node's own default; a larger head is answered 431. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
// Probes and scrapes arrive every few seconds; logging each at info would drown the access log.
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Options for {@link createHttpApp}. */
export interface HttpAppOptions {
  logger: Logger;
  /** The process registry `/metrics` serves. */
  metrics: Registry;
  /** Health of every service, read on each `/readyz`. */
  health: () => Record<string, ServiceHealth>;
  /** @default 1 MiB */
  bodyLimitBytes?: number;
  /** Request line plus headers. @default 16 KiB */
  maxHeaderBytes?: number;
  /** Serve HTTPS with these; also turns on HSTS. @default plain HTTP */
  tls?: TlsCredentials;
  /** Which proxies' X-Forwarded-For is trusted (never blindly the left-most entry). @default false */
  trustProxy?: TrustProxy;
  /** @default no CORS (same origin only) */
  cors?: CorsOptions;
  /** Deadlines before authentication (request head and body, idle, upgrade, TLS handshake). */
  timeouts?: Partial<PreAuthTimeouts>;
  /** Caps on open connections per address and in all. @default 512 per address, 1,024 fds kept */
  connections?: Partial<ConnectionLimits>;
  /** The open-files limit the connection cap is taken from. @default read from /proc/self/limits */
  fdLimit?: number;
  /**
   * The process's connection budget across its listeners (the game's TCP port takes from it too).
   * @default one of the server's own, from `connections` and `fdLimit`
   */
  connectionBudget?: ConnectionBudget;
  /** OpenAPI at /api/openapi.json and the page at /api/docs; false turns both off. @default {} */
  docs?: OpenApiOptions | false;
  /** Origins the dashboard connects to besides its own (zones of other processes), per response. */
  connectSources?: () => readonly string[];
}

/**
 * Fastify's form of `http.trustProxy`: a hop count trusts that many proxies nearest to us (hop 0
 * is the socket's peer); a list is copied (proxy-addr compiles it; the config is frozen).
 */
function trustProxyOption(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/** Builds the app (not listening). Tests drive it with `app.inject()`. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const maxHeaderSize = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const tls = options.tls;
  const timeouts: PreAuthTimeouts = { ...DEFAULT_PRE_AUTH_TIMEOUTS, ...options.timeouts };
  const { handshakeTimeout, ...limits } = preAuthServerOptions(timeouts);
  const app = Fastify({
    loggerInstance: toFastifyLogger(options.logger),
    // Our own access log below: Fastify's would serialize whole request objects through our logger.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: false,
    genReqId: (raw) => requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    trustProxy: trustProxyOption(options.trustProxy ?? false),
    clientErrorHandler: handleClientError,
    frameworkErrors: answerFrameworkError,
    // An https.Server serves requests like an http.Server; Fastify's types only know the latter.
    serverFactory: (handler) => {
      const server = tls
        ? (createHttpsServer(
            { ...tls, maxHeaderSize, ...limits, handshakeTimeout },
            handler,
          ) as unknown as Server)
        : createHttpServer({ maxHeaderSize, ...limits }, handler);
      // A socket where nothing moves is closed after idleMs, but not while its request is being
      // answered: a compile waiting its turn at the gate under load sent nothing for two minutes
      // and its socket was closed under it. Requests still in their head or body have their own
      // deadlines (headersMs, requestMs).
      server.setTimeout(timeouts.idleMs);
      server.on('request', function holdIdleWhileAnswering(request: IncomingMessage, reply: ServerResponse) {
        const socket = request.socket;
        socket.setTimeout(0);
        reply.once('close', () => {
          if (!socket.destroyed) socket.setTimeout(timeouts.idleMs);
        });
      });
      guardConnections(server, {
        limits: { ...DEFAULT_CONNECTION_LIMITS, ...options.connections },
        behindProxy: (options.trustProxy ?? false) !== false,
        tls: tls !== undefined,
        logger: options.logger,
        metrics: options.metrics,
        fdLimit: options.fdLimit,
        budget: options.connectionBudget,
      });
      return server;
    },
  });
  // After every plugin ran, so each WebSocket endpoint (streams, game) has attached its listener.
  app.addHook('onReady', async function guardWebSocketUpgrades() {
    guardUpgrades(app.server, timeouts);
  });
  // First: every route added after this is in the table, and one without a scope stops the start.
  registerRouteTable(app);
  registerZodCompilers(app);
  registerNulRefusal(app);
  registerRequestContext(app);
  registerErrorHandling(app);
  registerSecurityHeaders(app, {
    tls: tls !== undefined,
    ...(options.connectSources ? { connectSources: options.connectSources } : {}),
  });
  if (options.cors) registerCors(app, options.cors);
  if (options.docs !== false) registerOpenApi(app, options.docs ?? {});
  registerMetrics(app, options.metrics);
  registerHealthRoutes(app, options.health);
  app.addHook('onResponse', async function accessLog(request, reply) {
    const fields = {
      method: request.method,
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      // How many statements the request sent: a list that costs one per item shows here.
      sqlStatements: requestWork(request)?.sqlStatements ?? 0,
    };
    if (QUIET_ROUTES.has(request.routeOptions.url ?? '')) request.log.debug(fields, 'request completed');
    else request.log.info(fields, 'request completed');
  });
  return app;
}
