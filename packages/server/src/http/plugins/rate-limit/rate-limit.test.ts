import { createMetricsRegistry, ManualClock, silentLogger, type Registry } from '@tickline/kernel';
import { DEFAULT_TIER_LIMITS } from '@tickline/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../app.ts';
import { gcraParams, gcraStep } from './gcra.ts';
import { createConfiguredRateLimiter } from './configured-rate-limiter.ts';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.ts';
import { rateLimitPlugin } from './rate-limit-plugin.ts';
import type { RateLimitStore } from './rate-limit-store.ts';
import { createRateLimiter, type RateLimitPrincipal } from './rate-limiter.ts';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';

const TIERS = {
  free: { requestsPerMinute: 60, burst: 2 },
  premium: { requestsPerMinute: 600, burst: 5 },
};
const ANONYMOUS = { requestsPerMinute: 30, burst: 1 };

/**
 * Test credentials: `x-user: id/tier[/role]` or `x-key: keyId/userId/tier[/role]`; `bad` throws
 * like a forged token.
 */
function principalFrom(request: FastifyRequest): RateLimitPrincipal | undefined {
  const user = request.headers['x-user'] as string | undefined;
  const key = request.headers['x-key'] as string | undefined;
  if (user === 'bad' || key === 'bad') throw new Error('AUTH_TOKEN_INVALID');
  if (key) {
    const [apiKeyId, userId, tier, role] = key.split('/') as [string, string, string, string?];
    return { apiKeyId, userId, tier, role };
  }
  if (user) {
    const [userId, tier, role] = user.split('/') as [string, string, string?];
    return { userId, tier, role };
  }
  return undefined;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(
  options: { store?: RateLimitStore; tiers?: typeof TIERS; clock?: ManualClock } = {},
): Promise<{ app: FastifyInstance; metrics: Registry; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const metrics = createMetricsRegistry({ processMetrics: false });
  const limiter = createRateLimiter({
    store: options.store ?? createMemoryRateLimitStore({ clock, sweepIntervalMs: 0 }),
    principal: principalFrom,
    tiers: options.tiers ?? TIERS,
    anonymous: ANONYMOUS,
    metrics,
    logger: silentLogger,
  });
  app = createHttpApp({ logger: silentLogger, metrics, health: () => ({}), docs: false });
  await app.register(async function api(scope) {
    await scope.register(rateLimitPlugin, { limiter });
    scope.get('/api/v1/ping', PUBLIC_ROUTE, async () => ({ ok: true }));
  });
  return { app, metrics, clock };
}

async function statuses(
  server: FastifyInstance,
  count: number,
  headers: Record<string, string> = {},
  ip?: string,
) {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await server.inject({ url: '/api/v1/ping', headers, ...(ip ? { remoteAddress: ip } : {}) });
    codes.push(res.statusCode);
  }
  return codes;
}

const ok = (n: number) => Array<number>(n).fill(200);

describe('rate limit - GCRA', () => {
  it('gcra - burst + 1 at once, then one per emission interval', () => {
    const params = gcraParams({ requestsPerMinute: 60, burst: 2 });
    let tat: number | undefined;
    const at = (now: number) => {
      const step = gcraStep(tat, now, params);
      tat = step.newTatMs ?? tat;
      return step.decision;
    };
    expect([at(0), at(0), at(0)].map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    const refused = at(0);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    expect(at(999).allowed).toBe(false);
    expect(at(1000)).toMatchObject({ allowed: true, remaining: 0 });
    // Idle long enough, the whole budget is back and the reset says when that happens.
    expect(at(10_000)).toMatchObject({ allowed: true, remaining: 2, resetMs: 1000 });
  });
});

describe('rate limit - per tier, key and address (memory store)', () => {
  it('tier - free allows burst + 1 then 429 with Retry-After, RateLimit-* and the error shape', async () => {
    const { app } = await build();
    expect(await statuses(app, 3, { 'x-user': 'u1/free' })).toEqual(ok(3));
    const refused = await app.inject({ url: '/api/v1/ping', headers: { 'x-user': 'u1/free' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-policy']).toBe('60;w=60;burst=2');
    expect(refused.json()).toEqual({
      error: {
        code: 'HTTP_RATE_LIMITED',
        message: 'rate limit exceeded; retry in 1 s',
        details: { retryAfterSeconds: 1, limit: 3, subject: 'user' },
      },
    });
  });

  it('tier - premium gets its own larger budget; the budget refills with time', async () => {
    const { app, clock } = await build();
    expect(await statuses(app, 7, { 'x-user': 'u2/premium' })).toEqual([...ok(6), 429]);
    clock.advance(100); // 600/min: one request per 100 ms
    expect(await statuses(app, 2, { 'x-user': 'u2/premium' })).toEqual([200, 429]);
  });

  it('tier - the defaults identity exports: free is 61 at once, then one a second', async () => {
    const { app } = await build({ tiers: DEFAULT_TIER_LIMITS as unknown as typeof TIERS });
    const codes = await statuses(app, 62, { 'x-user': 'u3/free' });
    expect(codes.filter((c) => c === 200)).toHaveLength(DEFAULT_TIER_LIMITS.free.burst + 1);
    expect(codes.at(-1)).toBe(429);
  });

  it('admin - a signed-in admin on the free tier gets the largest tier budget; their API key keeps its tier', async () => {
    const { app } = await build();
    expect(await statuses(app, 7, { 'x-user': 'admin1/free/admin' })).toEqual([...ok(6), 429]);
    expect(await statuses(app, 4, { 'x-key': 'k9/admin1/free/admin' })).toEqual([...ok(3), 429]);
  });

  it('api key - each key has its own budget, apart from its user and from other keys', async () => {
    const { app } = await build();
    expect(await statuses(app, 4, { 'x-key': 'k1/u4/free' })).toEqual([...ok(3), 429]);
    expect(await statuses(app, 4, { 'x-key': 'k2/u4/free' })).toEqual([...ok(3), 429]);
    expect(await statuses(app, 1, { 'x-user': 'u4/free' })).toEqual(ok(1));
    const refused = await app.inject({ url: '/api/v1/ping', headers: { 'x-key': 'k1/u4/free' } });
    expect(refused.json()).toMatchObject({ error: { details: { subject: 'api_key' } } });
  });

  it('anonymous - counted per address; bad credentials count as that address', async () => {
    const { app } = await build();
    expect(await statuses(app, 3, {}, '10.0.0.1')).toEqual([200, 200, 429]);
    expect(await statuses(app, 2, {}, '10.0.0.2')).toEqual([200, 200]);
    expect(await statuses(app, 1, { 'x-user': 'bad' }, '10.0.0.2')).toEqual([429]);
    const refused = await app.inject({ url: '/api/v1/ping', remoteAddress: '10.0.0.1' });
    expect(refused.json()).toMatchObject({ error: { details: { subject: 'address' } } });
  });

  it('anonymous - an IPv6 /64 is one address (one host is given a whole /64)', async () => {
    const { app } = await build();
    expect(await statuses(app, 2, {}, '2001:db8:7:8::1')).toEqual([200, 200]);
    expect(await statuses(app, 1, {}, '2001:db8:7:8:ffff::2')).toEqual([429]);
    expect(await statuses(app, 1, {}, '2001:db8:7:9::1')).toEqual([200]);
  });

  it('unknown tier - gets the anonymous budget', async () => {
    const { app } = await build();
    expect(await statuses(app, 3, { 'x-user': 'u5/platinum' })).toEqual([200, 200, 429]);
  });

  it('scope - routes outside the limited scope (probes, metrics) are never limited', async () => {
    const { app } = await build();
    await statuses(app, 3, {}, '10.0.0.3');
    const probes = await Promise.all(
      Array.from({ length: 5 }, () => app.inject({ url: '/healthz', remoteAddress: '10.0.0.3' })),
    );
    expect(probes.map((r) => r.statusCode)).toEqual(ok(5));
    expect(probes[0]!.headers['ratelimit-limit']).toBeUndefined();
  });

  it('limit off - requestsPerMinute 0 never limits', async () => {
    const { app } = await build({ tiers: { ...TIERS, free: { requestsPerMinute: 0, burst: 0 } } });
    expect(await statuses(app, 10, { 'x-user': 'u6/free' })).toEqual(ok(10));
  });

  it('fail open - a store that fails lets requests through and counts each failure', async () => {
    const broken: RateLimitStore = {
      kind: 'redis',
      take: () => Promise.reject(new Error('connection refused')),
      close: async () => {},
    };
    const { app, metrics } = await build({ store: broken });
    expect(await statuses(app, 5, { 'x-user': 'u7/free' })).toEqual(ok(5));
    const text = await metrics.metrics();
    expect(text).toContain('tickline_http_rate_limit_store_failures_total{store="redis"} 5');
  });

  it('metrics - refusals are counted by subject', async () => {
    const { app, metrics } = await build();
    await statuses(app, 4, { 'x-user': 'u8/free' });
    expect(await metrics.metrics()).toContain('tickline_http_rate_limited_total{subject="user"} 1');
  });
});

describe('rate limit - memory store bounds', () => {
  it('memory - expired keys are swept and the key count stays bounded', async () => {
    const clock = new ManualClock(0);
    const store = createMemoryRateLimitStore({ clock, maxKeys: 10, sweepIntervalMs: 0 });
    const params = gcraParams({ requestsPerMinute: 60, burst: 0 });
    for (let i = 0; i < 25; i++) await store.take(`ip:${i}`, params);
    expect(store.size).toBe(10);
    // The most recent keys survived: their debt still holds.
    expect((await store.take('ip:24', params)).allowed).toBe(false);
    clock.advance(5_000);
    await store.take('ip:new', params);
    expect(store.size).toBeLessThanOrEqual(10);
    await store.close();
  });
});

describe('rate limit - from config', () => {
  const deps = {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    tiers: TIERS,
    principal: () => undefined,
  };
  const settings = (enabled: boolean, url?: string) => ({
    http: { rateLimit: { enabled, anonymous: ANONYMOUS } },
    redis: { ...(url ? { url } : {}), keyPrefix: 'tickline:', commandTimeoutMs: 50 },
  });

  it('config - off when disabled; memory without redis.url; Redis with it', async () => {
    expect(createConfiguredRateLimiter(settings(false), deps)).toBeUndefined();
    const memory = createConfiguredRateLimiter(settings(true), deps)!;
    expect(memory.store.kind).toBe('memory');
    await memory.close();
    // Nothing listens on port 1: the Redis store is created anyway and fails open.
    const redis = createConfiguredRateLimiter(settings(true, 'redis://127.0.0.1:1'), deps)!;
    expect(redis.store.kind).toBe('redis');
    const outcome = await redis.limiter.check({ ip: '10.1.1.1', headers: {} } as FastifyRequest);
    expect(outcome.decision).toBeUndefined();
    await redis.close();
  });
});
