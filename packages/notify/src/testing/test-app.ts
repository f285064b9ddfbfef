/**
 * @module A Fastify app for route tests: the notify plugin under `/api/v1`, a stub authenticate
 * (`x-test-user` header → the acting user; the real one comes from identity at wiring), and an
 * error handler that answers `{ error: { code, message, details } }` with the catalogue status,
 * as the server's does.
 */
import { isTicklineError, listErrorCodes } from '@tickline/kernel';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NotifyAdminApi } from '../admin/admin-api.ts';
import type { NotifyApi } from '../api/notify-api.ts';
import { notifyAdminRoutes } from '../http/admin-routes.ts';
import { notifyRoutes } from '../http/notify-routes.ts';

/** With `admin`, the admin routes too: `x-test-admin: yes` makes the caller an administrator. */
export async function buildTestApp(
  api: NotifyApi,
  publicBaseUrl?: string,
  admin?: NotifyAdminApi,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setErrorHandler(function handleTestError(error: unknown, _request, reply) {
    const e = error as { statusCode?: number; validation?: unknown; message?: string; issues?: unknown };
    if (e.validation || e.issues || e.statusCode === 400)
      return reply.status(400).send({ error: { code: 'HTTP_BAD_REQUEST', message: e.message } });
    const status = isTicklineError(error)
      ? listErrorCodes().find((c) => c.code === error.code)?.httpStatus
      : undefined;
    if (isTicklineError(error) && status) {
      return reply
        .status(status)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (e.statusCode === 401)
      return reply.status(401).send({ error: { code: 'AUTH_UNAUTHENTICATED', message: e.message } });
    if (e.statusCode === 403)
      return reply.status(403).send({ error: { code: 'AUTH_FORBIDDEN', message: e.message } });
    return reply.status(e.statusCode ?? 500).send({ error: { code: 'HTTP_INTERNAL', message: e.message } });
  });
  await app.register(notifyRoutes, {
    prefix: '/api/v1',
    api,
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    authenticate: async (request) => {
      const user = request.headers['x-test-user'];
      if (typeof user !== 'string') throw Object.assign(new Error('no credentials'), { statusCode: 401 });
      return { userId: user, tier: String(request.headers['x-test-tier'] ?? 'enterprise') };
    },
  });
  if (admin) {
    await app.register(notifyAdminRoutes, {
      prefix: '/api/v1',
      admin,
      requireAdmin: async (request) => {
        if (request.headers['x-test-admin'] !== 'yes')
          throw Object.assign(new Error('administrators only'), { statusCode: 403 });
        return String(request.headers['x-test-user']);
      },
    });
  }
  await app.ready();
  return app;
}
