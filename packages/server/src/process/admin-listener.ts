/**
 * @module The admin listener (`admin.listen`): `/metrics`, the API docs (`/api/docs`,
 * `/api/openapi.json`) and the dashboard's source maps move off the public port onto a port of
 * their own (bind it to a private interface). The public port then answers them 404; the admin
 * port serves them by handing the request to the same app in process, marked with a per-process
 * random header no outside client can know.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';

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
      await reply
        .code(404)
        .send({
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
): FastifyInstance {
  const admin = Fastify();
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
