/**
 * @module A Fastify app with the identity routes under /api/v1 and the same error shape the
 * server uses (`{ error: { code, message, details } }`, status from the error catalogue), for
 * route tests without depending on @tickline/server.
 */
import { isTicklineError, listErrorCodes } from '@tickline/kernel';
import Fastify, { type FastifyInstance } from 'fastify';
import { identityRoutes } from '../http/identity-routes.ts';
import type { IdentityService } from '../service/identity-service.ts';

export async function createTestHttpApp(
  service: IdentityService,
  options: { secureCookies?: boolean; trustProxy?: string | boolean } = {},
): Promise<FastifyInstance> {
  const { trustProxy, ...routeOptions } = options;
  const app = Fastify({ logger: false, ...(trustProxy === undefined ? {} : { trustProxy }) });
  app.setErrorHandler(async (error, _request, reply) => {
    // A request the route's zod schema refused, shaped as the server's HTTP_BAD_REQUEST.
    const validation = (error as { validation?: unknown[] }).validation;
    if (validation) {
      const issues = validation.map((issue) => ({ ...(issue as object) }));
      return reply.status(400).send({
        error: { code: 'HTTP_BAD_REQUEST', message: (error as Error).message, details: { issues } },
      });
    }
    if (isTicklineError(error)) {
      const status = listErrorCodes().find((c) => c.code === error.code)?.httpStatus ?? 500;
      return reply.status(status).send({ error: error.toJSON() });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status).send({ error: { code: 'HTTP_ERROR', message: (error as Error).message } });
  });
  await app.register(identityRoutes, { prefix: '/api/v1', service, ...routeOptions });
  return app;
}
