/** @module `/metrics` (Prometheus text from the shared registry) and the HTTP request histogram. */
import { Histogram, getOrCreateMetric, type Registry } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from './route-scopes.ts';

// Seconds; from a fast probe to a slow report.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Registers `GET /metrics` and times every request by route pattern (never by raw URL: cardinality). */
export function registerMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = getOrCreateMetric(
    registry,
    'tickline_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'tickline_http_request_duration_seconds',
        help: 'HTTP request duration by method, route pattern and status code.',
        labelNames: ['method', 'route', 'status_code'] as const,
        buckets: DURATION_BUCKETS,
        registers: [registry],
      }),
  );
  app.addHook('onResponse', async function observeRequest(request, reply) {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  // Public on the main port unless admin.listen moves it to a private one; not an API operation.
  const options = { ...PUBLIC_ROUTE, schema: { hide: true } };
  app.get('/metrics', options, async function metrics(_request, reply) {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
