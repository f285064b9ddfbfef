import { startRedis, type RedisServerHandle } from '@tickline/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@tickline/kernel';
import { createRedisSignInThrottle } from './redis-sign-in-throttle.ts';
import { runSignInThrottleContract } from './sign-in-throttle-contract.ts';
import { throttleKeys } from './sign-in-throttle.ts';

let redis: RedisServerHandle;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
}, 30_000);
afterAll(async () => {
  await client?.close();
  await redis?.cleanup();
});

runSignInThrottleContract('redis', (clock) =>
  createRedisSignInThrottle({ client, clock, keyPrefix: `t${Date.now()}:` }),
);

describe('sign-in throttle - redis', () => {
  it('throttle - two gateways share one counter', async () => {
    const clock = new ManualClock(5_000_000);
    const prefix = `shared${Date.now()}:`;
    const a = createRedisSignInThrottle({ client, clock, keyPrefix: prefix });
    const b = createRedisSignInThrottle({ client, clock, keyPrefix: prefix });
    const keys = throttleKeys({ maxFailuresPerAccount: 2 }, 'shared@x.io', undefined);
    expect((await a.take(keys)).allowed).toBe(true);
    expect((await b.take(keys)).allowed).toBe(true);
    expect((await a.take(keys)).allowed).toBe(false);
  });

  it('throttle - while Redis is away the gateway throttles in memory', async () => {
    const clock = new ManualClock(9_000_000);
    const down = createRedisSignInThrottle({
      client: { sendCommand: () => Promise.reject(new Error('ECONNREFUSED')) },
      clock,
    });
    const keys = throttleKeys({ maxFailuresPerAccount: 2 }, 'away@x.io', undefined);
    await down.take(keys);
    await down.take(keys);
    expect((await down.take(keys)).allowed).toBe(false);
  });
});
