/** @module A real Fastify app with the gateway on a free port, for the integration tests. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry, type Registry } from '@tickline/kernel';
import { ChannelPattern, Role } from '@tickline/protocol';
import { createTicketAuthenticator } from '../auth/credentials.ts';
import { createStreamTicketIssuer, type StreamTicketIssuer } from '../auth/stream-ticket.ts';
import { createChannelAuthorizer } from '../channels/channel-rules.ts';
import { realtimeRoutes } from '../fastify/realtime-routes.ts';
import { createRealtimeGateway, type RealtimeGateway } from '../gateway/gateway.ts';
import type { RealtimeGatewayOptions } from '../gateway/gateway-options.ts';
import { createHub, type Hub } from '../hub/hub.ts';
import type { HubOptions } from '../hub/hub-options.ts';

export interface TestUser {
  id: string;
  role: Role;
}

export interface TestGateway {
  app: FastifyInstance;
  hub: Hub;
  gateway: RealtimeGateway<TestUser>;
  issuer: StreamTicketIssuer;
  metrics: Registry;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `ws://127.0.0.1:<port>/api/v1/ws` */
  wsUrl: string;
  ticket(userId: string, role?: TestUser['role']): string;
  /** The stream URL for `channels` authenticated as `userId`. */
  streamUrl(channels: string[], userId?: string, extra?: string): string;
  close(): Promise<void>;
}

export const TEST_COOKIE = 'tl_stream';

export async function startTestGateway(
  options: {
    gateway?: Partial<RealtimeGatewayOptions<TestUser>>;
    hub?: HubOptions;
    /** Where the app's JSON log lines go (none when absent). */
    logStream?: { write(line: string): void };
  } = {},
): Promise<TestGateway> {
  const hub = createHub(options.hub);
  const issuer = createStreamTicketIssuer({ secret: 'test-secret-test-secret-test-secret!' });
  const metrics = createMetricsRegistry({ processMetrics: false });
  const gateway = createRealtimeGateway<TestUser>({
    hub,
    metrics,
    authenticate: createTicketAuthenticator({
      issuer,
      cookie: TEST_COOKIE,
      toPrincipal: (claims) => ({ id: claims.sub, role: claims.attrs?.role === 'admin' ? 'admin' : 'user' }),
    }),
    authorize: createChannelAuthorizer<TestUser>([
      { pattern: ChannelPattern.Market, allow: () => true },
      { pattern: ChannelPattern.User, allow: (user, { id }) => user.id === id },
      { pattern: ChannelPattern.Admin, allow: (user) => user.role === Role.Admin },
    ]),
    sseRetryMs: 50,
    ...options.gateway,
  });
  const app = Fastify(options.logStream ? { logger: { stream: options.logStream } } : {});
  // Fastify's default label for the request id (Tickline's app names it requestId).
  await app.register(realtimeRoutes, { gateway, requestIdLogLabel: 'reqId' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const ticket = (userId: string, role: TestUser['role'] = 'user') => issuer.issue(userId, { role });
  return {
    app,
    hub,
    gateway,
    issuer,
    metrics,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/ws`,
    ticket,
    streamUrl: (channels, userId = 'u1', extra = '') =>
      `${baseUrl}/api/v1/stream?channels=${channels.join(',')}&ticket=${ticket(userId)}${extra}`,
    close: async () => {
      await app.close();
      hub.close();
    },
  };
}
