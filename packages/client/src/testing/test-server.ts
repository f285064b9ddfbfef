/**
 * @module A real Tickline API on a free port for the SDK's integration tests, assembled from the
 * packages as the server wires them (identity routes on an in-memory repository, `POST /accounts`,
 * `POST /stream/tickets`, the realtime gateway on a hub), so the tests do not depend on the
 * server package. Node only: never imported by the SDK itself.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  createArgon2Hasher,
  createIdentityService,
  createInMemoryIdentityRepository,
  identityRoutes,
  principalOf,
  requireAuthentication,
  type IdentityService,
} from '@tickline/identity';
import { isTicklineError, listErrorCodes, uuidv7 } from '@tickline/kernel';
import type { SignUpInput } from '@tickline/protocol';
import {
  createChannelAuthorizer,
  createHub,
  createRealtimeGateway,
  createStreamTicketIssuer,
  createTicketAuthenticator,
  realtimeRoutes,
  type Hub,
  type HubOptions,
  type RealtimeGateway,
} from '@tickline/realtime';
import Fastify, { type FastifyInstance } from 'fastify';

export const TEST_PASSWORD = 'correct horse battery staple';

interface StreamUser {
  userId: string;
  role: 'admin' | 'user';
}

export interface TestServer {
  baseUrl: string;
  app: FastifyInstance;
  hub: Hub;
  gateway: RealtimeGateway<StreamUser>;
  identity: IdentityService;
  /** Publishes `count` events of `type` on `channel`; resolves their ids in order. */
  publish(channel: string, count: number, type?: string): string[];
  /** Destroys every open socket (streams and keep-alive HTTP): a network cut, no close frames. */
  cutConnections(): number;
  close(): Promise<void>;
}

export async function startTestServer(options: { hub?: HubOptions } = {}): Promise<TestServer> {
  const identity = createIdentityService({
    repository: createInMemoryIdentityRepository(),
    tokens: {
      issuer: 'https://tickline.test',
      signing: { algorithm: 'HS256', secret: randomBytes(32).toString('base64url') },
    },
    totp: { encryptionKey: randomBytes(32) },
    // Real argon2id, cheap parameters: the tests sign up many users.
    passwordHasher: createArgon2Hasher({ memoryCostKib: 1024, timeCost: 1 }),
  });
  const hub = createHub(options.hub);
  const tickets = createStreamTicketIssuer({ secret: randomBytes(32) });
  const gateway = createRealtimeGateway<StreamUser>({
    hub,
    authenticate: createTicketAuthenticator({
      issuer: tickets,
      toPrincipal: (claims) => ({
        userId: claims.sub,
        role: claims.attrs?.role === 'admin' ? 'admin' : 'user',
      }),
    }),
    authorize: createChannelAuthorizer<StreamUser>([
      { pattern: 'user:{id}', allow: (user, { id }) => user.userId === id },
      { pattern: 'market:**', allow: () => true },
    ]),
  });

  // Keep-alive sockets of the SDK's fetch would hold close() for their idle timeout.
  const app = Fastify({ forceCloseConnections: true });
  app.setErrorHandler(async (error, _request, reply) => {
    if (isTicklineError(error)) {
      const status = listErrorCodes().find((c) => c.code === error.code)?.httpStatus ?? 500;
      return reply.status(status).send({ error: error.toJSON() });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.status(status).send({ error: { code: 'HTTP_ERROR', message: (error as Error).message } });
  });
  await app.register(identityRoutes, { prefix: '/api/v1', service: identity, oidc: false });
  app.post('/api/v1/accounts', async (request, reply) => {
    reply.status(201);
    return identity.signUp(request.body as SignUpInput); // identity validates it
  });
  app.post(
    '/api/v1/stream/tickets',
    { preHandler: requireAuthentication(identity) },
    async (request, reply) => {
      const principal = principalOf(request);
      reply.status(201);
      return {
        ticket: tickets.issue(principal.userId, { role: principal.role }),
        expiresAt: new Date().toISOString(),
      };
    },
  );
  await app.register(realtimeRoutes, { gateway });

  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    hub,
    gateway,
    identity,
    publish(channel, count, type = 'test.event') {
      const ids: string[] = [];
      for (let n = 0; n < count; n++) {
        const id = uuidv7();
        hub.publish(channel, { id, type, data: { n } });
        ids.push(id);
      }
      return ids;
    },
    cutConnections() {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    async close() {
      await app.close();
      hub.close();
      await identity.close();
    },
  };
}
