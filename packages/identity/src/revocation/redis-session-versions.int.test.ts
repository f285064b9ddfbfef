import { startRedis, type RedisServerHandle } from '@tickline/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisSessionVersions } from './redis-session-versions.ts';
import { runSessionVersionsContract } from './session-versions-contract.ts';

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

runSessionVersionsContract('redis', (clock) => createRedisSessionVersions({ client, clock }));
