/**
 * @module The HTTP app: Fastify with request ids, correlation, one error shape, probes and
 * metrics. Domain routes are added by later packages as plugins on the returned instance.
 */
import { type Logger, type Registry, type ServiceHealth } from '@tickline/kernel';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './error-handler.ts';
import { toFastifyLogger } from './fastify-logger.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { registerMetrics } from './metrics-routes.ts';
import { registerRequestContext } from './request-context.ts';
import { requestIdFrom, REQUEST_ID_HEADER } from './request-id.ts';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
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
}

/** Builds the app (not listening). Tests drive it with `app.inject()`. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: toFastifyLogger(options.logger),
    // Our own access log below: Fastify's would serialize whole request objects through our logger.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: false,
    genReqId: (raw) => requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  registerRequestContext(app);
  registerErrorHandling(app);
  registerMetrics(app, options.metrics);
  registerHealthRoutes(app, options.health);
  app.addHook('onResponse', async function accessLog(request, reply) {
    const fields = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (QUIET_ROUTES.has(request.routeOptions.url ?? '')) request.log.debug(fields, 'request completed');
    else request.log.info(fields, 'request completed');
  });
  return app;
}
