import { startRedis, type RedisServerHandle } from '@tickline/testing';
// The server passes its node-redis client; the test makes one the same way (hoisted from server/game).
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCacheStoreContract } from './cache-store-contract.ts';
import { createMarketReadCache } from './market-read-cache.ts';
import { createRedisCacheStore } from './redis-cache-store.ts';
import { readCacheCases } from './read-cache-cases.test-support.ts';

let redis: RedisServerHandle;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.close();
  await redis?.cleanup();
});

runCacheStoreContract('redis', { open: async () => createRedisCacheStore({ client, keyPrefix: 'test:' }) });

describe('redis cache store - outages', () => {
  it('a paused Redis times the read out and the cache answers from the loader instead', async () => {
    const store = createRedisCacheStore({ client, commandTimeoutMs: 100 });
    const errors: unknown[] = [];
    const cache = createMarketReadCache({ store, onError: (e) => errors.push(e) });
    redis.pause();
    try {
      const candles = await cache.candles({ symbol: 'BTC-USDT', interval: '1m' }, async () => []);
      expect(candles).toEqual([]);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      redis.resume();
    }
  });
});

let prefixes = 0;
readCacheCases('redis store, PGlite', async () => createRedisCacheStore({ client, keyPrefix: `read-cache-${++prefixes}:` }));
