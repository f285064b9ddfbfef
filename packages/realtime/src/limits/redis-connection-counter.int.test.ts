import { startRedis, type RedisServerHandle } from '@tickline/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { runConnectionCounterContract } from './connection-counter-contract.ts';
import { createRedisConnectionCounter } from './redis-connection-counter.ts';

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

runConnectionCounterContract('redis', (clock, leaseMs) => createRedisConnectionCounter({ client, clock, leaseMs }));
