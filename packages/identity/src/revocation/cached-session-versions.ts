/**
 * @module A short per-gateway cache in front of a shared version store: checking a version on
 * every request must not cost a Redis round trip each time. A bump made here is seen here at
 * once; one made on another gateway within `ttlMs`. While the store is unreachable the last
 * known version stands (a Redis outage must not sign everybody out) — and while it is slow too:
 * an expired entry waits at most `staleAnswerMs` for the store, then answers with the last known
 * version while the read goes on. Without that bound every game command of every player waited
 * out the store's connect timeout during a PostgreSQL or Redis outage (seconds without an ack).
 */
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { SessionVersions } from './session-versions.ts';

export const DEFAULT_SESSION_VERSION_CACHE_MS = 2_000;
export const DEFAULT_SESSION_VERSION_CACHE_ENTRIES = 100_000;
export const DEFAULT_SESSION_VERSION_STALE_ANSWER_MS = 50;

export interface CachedSessionVersionsOptions {
  /** How long a read version is trusted. @default 2_000 */
  ttlMs?: number;
  /** Users cached at once (oldest dropped first). @default 100_000 */
  maxEntries?: number;
  /** How long a check with an expired entry waits for the store before the entry answers. @default 50 */
  staleAnswerMs?: number;
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
  const staleAnswerMs = options.staleAnswerMs ?? DEFAULT_SESSION_VERSION_STALE_ANSWER_MS;
  /** Failed reads since the store last answered: one warning per outage, not one per user. */
  let failing = 0;
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

  function read(userId: string, hit: { version: number } | undefined): Promise<number> {
    const pending = inner.current(userId).then(
      (version) => {
        if (failing > 0) logger.info({ failedReads: failing }, 'session versions readable again');
        failing = 0;
        remember(userId, version);
        return version;
      },
      (error: unknown) => {
        if (failing++ === 0)
          logger.warn({ err: error }, 'session versions unavailable; using the last known version');
        if (hit === undefined) return 0;
        // Asked again after ttlMs, not on every request while the store is down.
        remember(userId, hit.version);
        return hit.version;
      },
    );
    reading.set(userId, pending);
    void pending.finally(() => reading.delete(userId));
    return pending;
  }

  return {
    async current(userId) {
      const hit = cache.get(userId);
      if (hit && clock.now() - hit.readAt < ttlMs) return hit.version;
      const pending = reading.get(userId) ?? read(userId, hit);
      if (hit === undefined) return pending;
      let timer: NodeJS.Timeout | undefined;
      const stale = new Promise<number>((resolve) => {
        timer = setTimeout(() => resolve(hit.version), staleAnswerMs);
      });
      try {
        return await Promise.race([pending, stale]);
      } finally {
        clearTimeout(timer);
      }
    },
    async bump(userId) {
      const version = await inner.bump(userId);
      remember(userId, version);
      return version;
    },
  };
}
