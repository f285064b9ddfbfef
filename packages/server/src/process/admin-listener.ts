/**
 * @module The admin listener (`admin.listen`): `/metrics`, the API docs (`/api/docs`,
 * `/api/openapi.json`) and the dashboard's source maps move off the public port onto a port of
 * their own (bind it to a private interface). The public port then answers them 404; the admin
 * port serves them by handing the request to the same app in process, marked with a per-process
 * random header no outside client can know.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  DEFAULT_PRE_AUTH_TIMEOUTS,
  type PreAuthTimeouts,
  preAuthServerOptions,
} from '../http/plugins/limits/pre-auth-limits.ts';

/**
 * Connections the admin port holds at once: a scraper and an operator's browser need a few. Beyond
 * it Node closes new ones at once, so a client that opens hundreds (or parks them) on a port bound
 * to a wider interface than meant cannot hold the process's file descriptors.
 */
export const ADMIN_MAX_CONNECTIONS = 32;

/** Where the admin listener binds. */
export interface AdminListen {
  host: string;
  port: number;
}

/** The paths that belong on the admin listener. */
export function isAdminPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return (
    path === '/metrics' ||
    path === '/api/openapi.json' ||
    path.startsWith('/api/docs') ||
    path.endsWith('.map')
  );
}

/** The mark of a request the admin listener forwarded. */
export function createAdminMark(): {
  header: string;
  value: string;
  holds(request: FastifyRequest): boolean;
} {
  const header = 'x-tickline-admin';
  const value = randomBytes(24).toString('base64url');
  const expected = Buffer.from(value);
  return {
    header,
    value,
    holds(request) {
      const got = request.headers[header];
      return (
        typeof got === 'string' && got.length === value.length && timingSafeEqual(Buffer.from(got), expected)
      );
    },
  };
}

/** Hides the admin paths on the public app (404, as for any unknown path). */
export function hideAdminPaths(app: FastifyInstance, mark: ReturnType<typeof createAdminMark>): void {
  app.addHook('onRequest', async function hideAdminPath(request, reply) {
    if (isAdminPath(request.url) && !mark.holds(request)) {
      await reply.code(404).send({
        error: {
          code: 'HTTP_NOT_FOUND',
          message: `no route for ${request.method} ${request.url.split('?')[0]}`,
        },
      });
    }
  });
}

/** The admin app: forwards the admin paths to `main` in process; anything else is 404. */
export function createAdminApp(
  main: FastifyInstance,
  mark: ReturnType<typeof createAdminMark>,
  timeouts: PreAuthTimeouts = DEFAULT_PRE_AUTH_TIMEOUTS,
): FastifyInstance {
  // The public port's deadlines for a head, a request and an idle socket, and a cap of its own.
  const { handshakeTimeout: _tls, ...limits } = preAuthServerOptions(timeouts);
  const admin = Fastify({
    bodyLimit: 1024,
    requestTimeout: limits.requestTimeout,
    serverFactory: (handler) => {
      const server = createServer(limits, handler);
      server.setTimeout(timeouts.idleMs);
      server.maxConnections = ADMIN_MAX_CONNECTIONS;
      return server;
    },
  });
  admin.get('/*', async function forwardAdminPath(request, reply) {
    if (!isAdminPath(request.url)) return reply.code(404).send({ error: { code: 'HTTP_NOT_FOUND' } });
    const answer = await main.inject({
      method: 'GET',
      url: request.url,
      headers: { [mark.header]: mark.value },
    });
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding')
        void reply.header(name, value);
    return reply.code(answer.statusCode).send(answer.rawPayload);
  });
  return admin;
}
