import { describe, expect, it } from 'vitest';
import { runCacheStoreContract } from './cache-store-contract.ts';
import { createMemoryCacheStore } from './memory-cache-store.ts';

runCacheStoreContract('memory', { open: async () => createMemoryCacheStore() });

describe('memory cache store - bounds', () => {
  it('keeps at most maxEntries, dropping the oldest written', async () => {
    const store = createMemoryCacheStore({ maxEntries: 2 });
    await store.write('s', 0, 'a', '1', 60_000);
    await store.write('s', 0, 'b', '2', 60_000);
    await store.write('s', 0, 'c', '3', 60_000);
    expect((await store.read('s', 'a')).value).toBeUndefined();
    expect((await store.read('s', 'b')).value).toBe('2');
    expect((await store.read('s', 'c')).value).toBe('3');
  });
});
