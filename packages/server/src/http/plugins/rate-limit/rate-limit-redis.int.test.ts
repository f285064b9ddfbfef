import { createMetricsRegistry, silentLogger, type Registry } from '@tickline/kernel';
import { requireRedisServer, startRedis, until, type RedisServerHandle } from '@tickline/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../app.ts';
import { rateLimitPlugin } from './rate-limit-plugin.ts';
import { createRedisRateLimitStore, type RedisRateLimitStore } from './redis-rate-limit-store.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';

const found = requireRedisServer();
// Refills are slow (one token per 10 s) wherever a test counts exact 200/429 sequences: a loaded CI
// machine can take over a second between two requests, and a faster refill turned an expected 429
// into a 200. Only the refill test uses the fast tier, and it waits for the refill it expects.
const TIERS = {
  free: { requestsPerMinute: 6, burst: 2 },
  premium: { requestsPerMinute: 6, burst: 5 },
  fast: { requestsPerMinute: 600, burst: 1 },
};
const COMMAND_TIMEOUT_MS = 200;

interface Gateway {
  app: FastifyInstance;
  store: RedisRateLimitStore;
  metrics: Registry;
}

/** One gateway: its own app, limiter and Redis connection, like a separate process. */
async function gateway(url: string, keyPrefix: string): Promise<Gateway> {
  const metrics = createMetricsRegistry({ processMetrics: false });
  const store = createRedisRateLimitStore({ url, keyPrefix, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  await store.ready();
  const limiter = createRateLimiter({
    store,
    principal: (request) => {
      const user = request.headers['x-user'] as string | undefined;
      const key = request.headers['x-key'] as string | undefined;
      if (key) return { apiKeyId: key, userId: 'owner', tier: 'free' };
      return user ? { userId: user.split('/')[0]!, tier: user.split('/')[1]! } : undefined;
    },
    tiers: TIERS,
    anonymous: { requestsPerMinute: 3, burst: 1 },
    metrics,
  });
  const app = createHttpApp({ logger: silentLogger, metrics, health: () => ({}), docs: false });
  await app.register(async function api(scope) {
    await scope.register(rateLimitPlugin, { limiter });
    scope.get('/api/v1/ping', PUBLIC_ROUTE, async () => ({ ok: true }));
  });
  return { app, store, metrics };
}

async function statuses(
  app: FastifyInstance,
  count: number,
  headers: Record<string, string> = {},
  ip?: string,
) {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    codes.push(
      (await app.inject({ url: '/api/v1/ping', headers, ...(ip ? { remoteAddress: ip } : {}) })).statusCode,
    );
  }
  return codes;
}

describe.skipIf(!found.available)(`rate limit on Redis ${found.reason ?? ''}`, () => {
  let redis: RedisServerHandle;
  let a: Gateway;
  let b: Gateway;
  let run = 0;
  const user = (tier = 'free') => `u${++run}-${process.pid}/${tier}`;

  beforeAll(async () => {
    redis = await startRedis();
    a = await gateway(redis.url, 'test:');
    b = await gateway(redis.url, 'test:');
  });
  afterAll(async () => {
    for (const g of [a, b]) {
      await g?.app.close();
      await g?.store.close();
    }
    await redis?.cleanup();
  });

  it('redis - two gateways share one budget per user; 429 with Retry-After', async () => {
    const u = user();
    expect(await statuses(a.app, 2, { 'x-user': u })).toEqual([200, 200]);
    expect(await statuses(b.app, 1, { 'x-user': u })).toEqual([200]);
    const refused = await a.app.inject({ url: '/api/v1/ping', headers: { 'x-user': u } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.json()).toMatchObject({ error: { code: 'HTTP_RATE_LIMITED' } });
    expect((await b.app.inject({ url: '/api/v1/ping', headers: { 'x-user': u } })).statusCode).toBe(429);
  });

  it('redis - tiers, API keys and addresses have separate budgets', async () => {
    expect(await statuses(a.app, 7, { 'x-user': user('premium') })).toEqual([
      200, 200, 200, 200, 200, 200, 429,
    ]);
    const key = `k-${process.pid}-${++run}`;
    expect(await statuses(b.app, 4, { 'x-key': key })).toEqual([200, 200, 200, 429]);
    const ip = `10.9.${run}.1`;
    expect(await statuses(a.app, 3, {}, ip)).toEqual([200, 200, 429]);
    expect(await statuses(b.app, 1, {}, `10.9.${run}.2`)).toEqual([200]);
  });

  it('redis - the budget refills on Redis time', async () => {
    const u = user('fast'); // one request per 100 ms
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) refused = (await statuses(a.app, 1, { 'x-user': u }))[0] === 429;
    expect(refused).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await statuses(b.app, 1, { 'x-user': u })).toEqual([200]);
  });

  it('redis - keys carry the prefix and expire once the budget is whole', async () => {
    const u = user();
    await statuses(a.app, 1, { 'x-user': u });
    const { createClient } = await import('redis');
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const key = `test:ratelimit:user:${u.split('/')[0]}`;
      expect(await client.exists(key)).toBe(1);
      const ttl = await client.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    } finally {
      client.destroy();
    }
  });

  it('redis - killed mid-test: requests are still served, and each unchecked one is counted', async () => {
    const u = user();
    expect(await statuses(a.app, 3, { 'x-user': u })).toEqual([200, 200, 200]);
    await redis.kill();
    const started = performance.now();
    expect(await statuses(a.app, 10, { 'x-user': u })).toEqual(Array(10).fill(200));
    // Commands are refused at once while disconnected, not queued until a timeout.
    expect(performance.now() - started).toBeLessThan(10 * COMMAND_TIMEOUT_MS);
    const text = await a.metrics.metrics();
    expect(text).toMatch(/tickline_http_rate_limit_store_failures_total\{store="redis"\} (\d+)/);
    const failures = Number(/store_failures_total\{store="redis"\} (\d+)/.exec(text)![1]);
    expect(failures).toBeGreaterThanOrEqual(10);
    // Back: limits apply again once the client has reconnected.
    await redis.restart();
    await a.store.ready();
    await waitFor(() => a.store.connected);
    const v = user();
    expect(await statuses(a.app, 4, { 'x-user': v })).toEqual([200, 200, 200, 429]);
  });

  it('redis - hung (no answers): each request waits at most the command timeout, then passes', async () => {
    await waitFor(() => b.store.connected);
    const u = user();
    redis.pause();
    try {
      const started = performance.now();
      expect(await statuses(b.app, 3, { 'x-user': u })).toEqual([200, 200, 200]);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThan(3 * (COMMAND_TIMEOUT_MS + 300));
    } finally {
      redis.resume();
    }
    expect(await b.metrics.metrics()).toMatch(/store_failures_total\{store="redis"\} [3-9]/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  await until(condition, { timeoutMs, intervalMs: 20, what: 'the Redis store to be connected' });
}
