/**
 * @module The read cache a market host uses: in Redis when `redis.url` is set (shared by every
 * gateway, invalidated by the candle projection wherever it runs), in memory on `all` (the
 * embedded default: the projection and the routes share the process), and none otherwise — a
 * memory cache on a gateway would never hear the invalidations of a projection elsewhere.
 */
import { ServiceStatus, type Logger, type Registry, type Service } from '@tickline/kernel';
import { createClient } from 'redis';
import { createMarketReadCache, type MarketReadCache } from '../cache/market-read-cache.ts';
import { createMemoryCacheStore } from '../cache/memory-cache-store.ts';
import { createRedisCacheStore } from '../cache/redis-cache-store.ts';

const RECONNECT_MAX_DELAY_MS = 2_000;
/** Store failures are logged at most this often (each read still falls back to SQL). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Where shared state lives (the `redis` section). */
export interface MarketRedisSettings {
  readonly url?: string | undefined;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

/** The cache and, with Redis, the service owning its connection. */
export interface MarketReadCacheParts {
  cache: MarketReadCache | undefined;
  service: Service | undefined;
}

export function openMarketReadCache(options: {
  role: string;
  redis: MarketRedisSettings | undefined;
  metrics: Registry;
  logger: Logger;
}): MarketReadCacheParts {
  let loggedAt = 0;
  const onError = (error: unknown) => {
    if (Date.now() - loggedAt < ERROR_LOG_INTERVAL_MS) return;
    loggedAt = Date.now();
    options.logger.warn({ err: error }, 'market read cache unavailable; reads go to SQL');
  };
  const url = options.redis?.url;
  if (url === undefined) {
    if (options.role !== 'all') return { cache: undefined, service: undefined };
    return {
      cache: createMarketReadCache({ store: createMemoryCacheStore(), metrics: options.metrics, onError }),
      service: undefined,
    };
  }
  const client = createClient({
    url,
    // A cache miss is better than a read queued behind a reconnect.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, RECONNECT_MAX_DELAY_MS) },
  });
  client.on('error', onError);
  const store = createRedisCacheStore({
    client: { sendCommand: (args) => client.sendCommand(args) },
    keyPrefix: options.redis!.keyPrefix,
    commandTimeoutMs: options.redis!.commandTimeoutMs,
  });
  let state: ServiceStatus = ServiceStatus.Starting;
  const service: Service = {
    name: 'market-read-cache',
    async start() {
      // Not awaited: the process starts (and reads go to SQL) while Redis is away.
      client.connect().catch(onError);
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopped;
      if (client.isOpen) client.destroy();
    },
    health() {
      if (state !== ServiceStatus.Up) return { status: state };
      return client.isReady
        ? { status: ServiceStatus.Up, info: { store: 'redis' } }
        : { status: ServiceStatus.Degraded, detail: 'redis unreachable: market reads go to SQL' };
    },
  };
  return { cache: createMarketReadCache({ store, metrics: options.metrics, onError }), service };
}
