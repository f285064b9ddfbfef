/** @module The market read cache: latest candles, indicator series and tickers, in memory or Redis. */
export { createMemoryCacheStore, DEFAULT_MEMORY_CACHE_ENTRIES } from './memory-cache-store.ts';
export { createRedisCacheStore } from './redis-cache-store.ts';
export {
  createMarketReadCache,
  CacheKind,
  DEFAULT_SERIES_TTL_MS,
  DEFAULT_TICKER_TTL_MS,
} from './market-read-cache.ts';
export type { CacheStore, CacheRead } from './cache-store.ts';
export type { MemoryCacheStoreOptions } from './memory-cache-store.ts';
export type { RedisCacheStoreOptions, RedisCommandClient } from './redis-cache-store.ts';
export type { MarketReadCache, MarketReadCacheOptions, IndicatorCacheKey } from './market-read-cache.ts';
