/**
 * @module The HTTP app as the gateway serves it — hardening plugins, rate limiting, identity's
 * routes and the SSE stream — assembled from the parts for tests: an identity service on a
 * manual clock over a given repository (memory, PGlite, PostgreSQL), the memory rate-limit store.
 * The stream authenticates by `Authorization` header here (tests are not browsers).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  authenticateRequest,
  createArgon2Hasher,
  createIdentityService,
  DEFAULT_TIER_LIMITS,
  identityRoutes,
  type IdentityRepository,
  type IdentityService,
  type Role,
} from '@tickline/identity';
import { createMetricsRegistry, ManualClock, silentLogger, type Registry } from '@tickline/kernel';
import {
  createChannelAuthorizer,
  createHub,
  createRealtimeGateway,
  realtimeRoutes,
  StreamRouteSchema,
  type Hub,
} from '@tickline/realtime';
import type { FastifyInstance } from 'fastify';
import { createHttpApp, type HttpAppOptions } from '../../app.ts';
import type { RateLimitRule } from '../rate-limit/gcra.ts';
import { createMemoryRateLimitStore } from '../rate-limit/memory-rate-limit-store.ts';
import { rateLimitPlugin } from '../rate-limit/rate-limit-plugin.ts';
import { createRateLimiter } from '../rate-limit/rate-limiter.ts';

export const TEST_ISSUER = 'https://tickline.test';
export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
export const TEST_START_MS = Date.parse('2026-03-01T12:00:00.000Z');
export const GOOD_PASSWORD = 'correct horse battery staple';
/** Small limits so tests can reach them with few bytes. */
export const TEST_BODY_LIMIT_BYTES = 4096;
export const TEST_MAX_HEADER_BYTES = 8192;
/** Short pre-authentication deadlines so tests see them enforced. */
export const TEST_PRE_AUTH_TIMEOUTS = { headersMs: 500, upgradeMs: 500, tlsHandshakeMs: 500 };

interface StreamUser {
  userId: string;
  role: Role;
}

export interface TestApiOptions {
  repository: IdentityRepository;
  /** Budget of anonymous callers (all tests share one address). @default generous */
  anonymous?: RateLimitRule;
  app?: Partial<HttpAppOptions>;
}

export interface TestApi {
  app: FastifyInstance;
  identity: IdentityService;
  clock: ManualClock;
  hub: Hub;
  metrics: Registry;
  /** Every route registered, as `{ method, url }` (HEAD twins excluded). */
  routes: Array<{ method: string; url: string }>;
  /** Listens on 127.0.0.1:0 (once) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApi(options: TestApiOptions): Promise<TestApi> {
  const clock = new ManualClock(TEST_START_MS);
  const metrics = createMetricsRegistry({ processMetrics: false });
  const identity = createIdentityService({
    clock,
    repository: options.repository,
    tokens: { issuer: TEST_ISSUER, signing: { algorithm: 'HS256', secret: TEST_SECRET } },
    totp: { encryptionKey: randomBytes(32) },
    // Real argon2id, cheap parameters.
    passwordHasher: createArgon2Hasher({ memoryCostKib: 1024, timeCost: 1 }),
  });
  const app = createHttpApp({
    logger: silentLogger,
    metrics,
    health: () => ({}),
    bodyLimitBytes: TEST_BODY_LIMIT_BYTES,
    maxHeaderBytes: TEST_MAX_HEADER_BYTES,
    timeouts: TEST_PRE_AUTH_TIMEOUTS,
    ...options.app,
  });
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', function collectRoute(route) {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  const limiter = createRateLimiter({
    store: createMemoryRateLimitStore({ sweepIntervalMs: 0 }),
    principal: (request) => authenticateRequest(identity, request),
    tiers: DEFAULT_TIER_LIMITS,
    anonymous: options.anonymous ?? { requestsPerMinute: 60_000, burst: 10_000 },
    metrics,
  });
  await app.register(
    async function api(scope) {
      await scope.register(rateLimitPlugin, { limiter });
      await scope.register(identityRoutes, { service: identity });
    },
    { prefix: '/api/v1' },
  );
  const hub = createHub();
  const gateway = createRealtimeGateway<StreamUser>({
    hub,
    metrics,
    authenticate: async (request) => {
      const header = request.headers.authorization;
      if (!header) return null;
      try {
        const principal = await identity.authenticate(header, undefined);
        return { userId: principal.userId, role: principal.role };
      } catch {
        return null;
      }
    },
    authorize: createChannelAuthorizer<StreamUser>([
      { pattern: 'user:{id}', allow: (user, { id }) => user.userId === id },
      { pattern: 'market:**', allow: () => true },
      { pattern: 'admin:**', allow: (user) => user.role === 'admin' },
    ]),
  });
  await app.register(realtimeRoutes, { gateway, sseSchema: StreamRouteSchema });
  // The process shares its HTTP server between two WebSocket endpoints (streams and the game): a
  // second gateway path keeps the test's `upgrade` listeners as many as the real server's.
  const second = createRealtimeGateway<StreamUser>({
    hub,
    authenticate: async () => null,
    authorize: () => false,
  });
  const detachSecond = second.attachWebSocket(app.server, '/api/v1/second-ws');
  app.addHook('preClose', async function closeSecondGateway() {
    detachSecond();
    await second.close();
  });
  let baseUrl: string | undefined;
  return {
    app,
    identity,
    clock,
    hub,
    metrics,
    routes,
    async listen() {
      if (baseUrl === undefined) {
        await app.listen({ host: '127.0.0.1', port: 0 });
        baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      return baseUrl;
    },
    async close() {
      await app.close();
      hub.close();
    },
  };
}
