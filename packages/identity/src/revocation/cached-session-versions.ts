/**
 * @module A short per-gateway cache in front of a shared version store: checking a version on
 * every request must not cost a Redis round trip each time. A bump made here is seen here at
 * once; one made on another gateway within `ttlMs`. While the store is unreachable the last
 * known version stands (a Redis outage must not sign everybody out).
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { SessionVersions } from './session-versions.ts';

export const DEFAULT_SESSION_VERSION_CACHE_MS = 2_000;
export const DEFAULT_SESSION_VERSION_CACHE_ENTRIES = 100_000;

export interface CachedSessionVersionsOptions {
  /** How long a read version is trusted. @default 2_000 */
  ttlMs?: number;
  /** Users cached at once (oldest dropped first). @default 100_000 */
  maxEntries?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

export function cacheSessionVersions(
  inner: SessionVersions,
  options: CachedSessionVersionsOptions = {},
): SessionVersions {
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_VERSION_CACHE_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_SESSION_VERSION_CACHE_ENTRIES;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const cache = new Map<string, { version: number; readAt: number }>();
  /** Reads under way: concurrent misses for one user share one read of the store. */
  const reading = new Map<string, Promise<number>>();

  function remember(userId: string, read: number): void {
    // Versions only grow: a read that started before a bump here must not put the old one back.
    const version = Math.max(read, cache.get(userId)?.version ?? read);
    cache.delete(userId);
    cache.set(userId, { version, readAt: clock.now() });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  }

  return {
    async current(userId) {
      const hit = cache.get(userId);
      if (hit && clock.now() - hit.readAt < ttlMs) return hit.version;
      let read = reading.get(userId);
      if (read === undefined) {
        read = inner.current(userId).then(
          (version) => {
            remember(userId, version);
            return version;
          },
          (error: unknown) => {
            logger.warn({ err: error }, 'session versions unavailable; using the last known version');
            return hit?.version ?? 0;
          },
        );
        reading.set(userId, read);
        void read.finally(() => reading.delete(userId));
      }
      return read;
    },
    async bump(userId) {
      const version = await inner.bump(userId);
      remember(userId, version);
      return version;
    },
  };
}
