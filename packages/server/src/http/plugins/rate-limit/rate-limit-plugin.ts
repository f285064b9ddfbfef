/**
 * @module The opt-in: registering {@link rateLimitPlugin} in a scope limits every route of that
 * scope (and of its children), and nothing outside it — probes, metrics and docs stay unlimited.
 *
 * @example
 * await app.register(async function api(scope) {
 *   await scope.register(rateLimitPlugin, { limiter });
 *   await scope.register(identityRoutes, { prefix: '/api/v1', service });
 * });
 */
import { OPERATION_RATE_LIMIT, type OperationRateLimit } from '@tickline/kernel';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RateLimiter } from './rate-limiter.ts';

export interface RateLimitPluginOptions {
  limiter: RateLimiter;
  /** Requests already limited elsewhere (a gateway's forward): not counted twice. */
  skip?: (request: FastifyRequest) => boolean;
  /**
   * Requests that open a long-lived connection (a graphql-ws upgrade): not counted as a request,
   * like the stream endpoints outside the scope; the operations sent on it are, one each.
   */
  connection?: (request: FastifyRequest) => boolean;
}

async function rateLimit(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const { limiter, skip, connection } = options;
  // Routes that carry several operations per request or connection (GraphQL) count the rest here.
  const operations: OperationRateLimit<FastifyRequest> = {
    take: (request, count) => (skip?.(request) ? Promise.resolve() : limiter.take(request, count)),
  };
  app.decorate(OPERATION_RATE_LIMIT, operations);
  if (!skip && !connection) app.addHook('onRequest', limiter.hook);
  else
    app.addHook('onRequest', async function limitUnlessSkipped(request, reply) {
      if (!skip?.(request) && !connection?.(request)) await limiter.hook(request, reply);
    });
}

/**
 * The hook lands in the scope that registers the plugin (what `fastify-plugin` does with the
 * same symbol), so siblings registered there are limited too.
 */
export const rateLimitPlugin: FastifyPluginAsync<RateLimitPluginOptions> = Object.assign(rateLimit, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'tickline-rate-limit',
});
