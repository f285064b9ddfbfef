import { startRedis, type RedisServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSnapshotStore } from './redis-snapshot-store.ts';
import { isSnapshotStoreUnavailableError } from './snapshot-errors.ts';
import { runSnapshotStoreContract, sampleZoneSnapshot } from './snapshot-store-contract.ts';
import { SnapshotKind, toStoredSnapshot } from './stored-snapshot.ts';

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.cleanup());

runSnapshotStoreContract('redis', {
  open: async ({ maxPerZone }) => {
    const store = createRedisSnapshotStore({ url: redis.url, maxPerZone });
    await store.ready();
    return store;
  },
});

describe('redis snapshot store outages', () => {
  const snapshot = () =>
    toStoredSnapshot(sampleZoneSnapshot('zone-outage', 1), {
      kind: SnapshotKind.Hot,
      logPosition: 0,
      takenAt: Date.now(),
    });

  it('redis snapshot store - a killed Redis makes put fail fast, and puts work again once it is back', async () => {
    const store = createRedisSnapshotStore({ url: redis.url, commandTimeoutMs: 200 });
    try {
      await store.ready();
      await store.put(snapshot());
      await redis.kill();
      const started = performance.now();
      await expect(store.put(snapshot())).rejects.toSatisfy(isSnapshotStoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(500);
      await redis.restart();
      await store.ready();
      const back = snapshot();
      await store.put(back);
      expect((await store.latest('zone-outage'))?.id).toBe(back.id);
    } finally {
      await store.close();
    }
  });

  it('redis snapshot store - a hung Redis times out the put instead of holding it', async () => {
    const store = createRedisSnapshotStore({ url: redis.url, commandTimeoutMs: 150 });
    try {
      await store.ready();
      redis.pause();
      const started = performance.now();
      await expect(store.put(snapshot())).rejects.toSatisfy(isSnapshotStoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(400);
    } finally {
      redis.resume();
      await store.close();
    }
  });
});
