/**
 * @module The contract every `CacheStore` passes (memory here, Redis in its int test): values by
 * series and entry, generations that hide everything written before an invalidation, writes under
 * a stale generation that are never read, TTLs.
 */
import { describe, expect, it } from 'vitest';
import type { CacheStore } from './cache-store.ts';

/** What a contract run needs: a fresh, empty store per test. */
export interface CacheStoreSubject {
  open(): Promise<CacheStore>;
  close?(store: CacheStore): Promise<void>;
}

let counter = 0;
const unique = (name: string) => `${name}-${process.pid}-${++counter}`;

/** Runs the contract against `subject`. */
export function runCacheStoreContract(name: string, subject: CacheStoreSubject): void {
  const withStore = (body: (store: CacheStore) => Promise<void>) => async () => {
    const store = await subject.open();
    try {
      await body(store);
    } finally {
      await subject.close?.(store);
    }
  };

  describe(`cache store contract - ${name}`, () => {
    it('read - an empty series has generation 0 and no value', withStore(async (store) => {
      expect(await store.read(unique('s'), 'e')).toEqual({ generation: 0, value: undefined });
    }));

    it('write then read - the value comes back for its series and entry only', withStore(async (store) => {
      const series = unique('candles:BTC-USDT:1m');
      await store.write(series, 0, 'latest:*:500', '[1,2,3]', 60_000);
      expect(await store.read(series, 'latest:*:500')).toEqual({ generation: 0, value: '[1,2,3]' });
      expect((await store.read(series, 'latest:*:100')).value).toBeUndefined();
      expect((await store.read(unique('other'), 'latest:*:500')).value).toBeUndefined();
    }));

    it('invalidate - hides every entry of the series, bumps its generation, leaves other series', withStore(async (store) => {
      const a = unique('a');
      const b = unique('b');
      await store.write(a, 0, 'x', '"ax"', 60_000);
      await store.write(a, 0, 'y', '"ay"', 60_000);
      await store.write(b, 0, 'x', '"bx"', 60_000);
      await store.invalidate([a, a]);
      expect(await store.read(a, 'x')).toEqual({ generation: 1, value: undefined });
      expect((await store.read(a, 'y')).value).toBeUndefined();
      expect(await store.read(b, 'x')).toEqual({ generation: 0, value: '"bx"' });
    }));

    it('a write that raced an invalidation (stale generation) is never read', withStore(async (store) => {
      const series = unique('race');
      const { generation } = await store.read(series, 'e'); // reader: miss at generation 0, loads…
      await store.invalidate([series]); // …a write commits and invalidates…
      await store.write(series, generation, 'e', '"stale"', 60_000); // …the reader stores what it loaded before
      expect(await store.read(series, 'e')).toEqual({ generation: 1, value: undefined });
      await store.write(series, 1, 'e', '"fresh"', 60_000);
      expect((await store.read(series, 'e')).value).toBe('"fresh"');
    }));

    it('ttl - an entry is gone after its time to live', withStore(async (store) => {
      const series = unique('ttl');
      await store.write(series, 0, 'e', '1', 50);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await store.read(series, 'e')).value).toBeUndefined();
    }));
  });
}
