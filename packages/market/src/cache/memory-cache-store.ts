/**
 * @module The in-memory `CacheStore` of the embedded default (one process): generations and
 * entries in Maps, bounded by `maxEntries` (oldest written first out) and by each entry's TTL.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { CacheRead, CacheStore } from './cache-store.ts';

/** Options for {@link createMemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Entries kept across all series. @default 10_000 */
  maxEntries?: number;
  /** @default systemClock */
  clock?: Clock;
}

export const DEFAULT_MEMORY_CACHE_ENTRIES = 10_000;

interface Entry {
  value: string;
  expiresAt: number;
}

/** A process-local cache store. */
export function createMemoryCacheStore(options: MemoryCacheStoreOptions = {}): CacheStore {
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_CACHE_ENTRIES;
  const generations = new Map<string, number>();
  // Insertion-ordered: the first key is the oldest write.
  const entries = new Map<string, Entry>();
  const keyOf = (series: string, generation: number, entry: string) => `${series}\u0000${generation}\u0000${entry}`;
  return {
    name: 'memory',
    async read(series, entry): Promise<CacheRead> {
      const generation = generations.get(series) ?? 0;
      const key = keyOf(series, generation, entry);
      const found = entries.get(key);
      if (found && found.expiresAt <= clock.now()) entries.delete(key);
      return { generation, value: found && found.expiresAt > clock.now() ? found.value : undefined };
    },
    async write(series, generation, entry, value, ttlMs) {
      if (generation !== (generations.get(series) ?? 0)) return; // raced an invalidation: unreadable anyway
      const key = keyOf(series, generation, entry);
      entries.delete(key);
      entries.set(key, { value, expiresAt: clock.now() + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    async invalidate(series) {
      for (const s of new Set(series)) {
        const old = generations.get(s) ?? 0;
        generations.set(s, old + 1);
        const prefix = `${s}\u0000${old}\u0000`;
        for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
      }
    },
  };
}
