/**
 * @module The market read cache: the latest candles per symbol and interval, indicator series over
 * them, and tickers — the reads every chart and ticker poll makes. Candle series are invalidated
 * by the candle projection right after it commits (`invalidateCandles`), so a read after a
 * candle's close never gets the forming one back; tickers are written by whoever publishes them
 * (`putTicker`). Only "latest" reads (no from/to) are cached: ranges in the past are cold.
 * Failures of the store fall back to the loader: the cache can only make reads faster, never fail them.
 */
import { Counter, getOrCreateMetric, type Registry } from '@tickline/kernel';
import type { CandleInterval } from '../port/market-message.ts';
import type { Ticker } from '../latest/latest-store.ts';
import type { CandleQuery, StoredCandle } from '../storage/queries.ts';
import type { CacheStore } from './cache-store.ts';

/** What is cached; the metrics label. */
export const CacheKind = { Candles: 'candles', Indicator: 'indicator', Ticker: 'ticker' } as const;
export type CacheKind = (typeof CacheKind)[keyof typeof CacheKind];

/** Lifetime of a candle or indicator entry: a bound on staleness should an invalidation be lost with Redis. */
export const DEFAULT_SERIES_TTL_MS = 5 * 60_000;
/** Lifetime of a ticker: it is rewritten at every publish; a stopped collector's ticker expires. */
export const DEFAULT_TICKER_TTL_MS = 60_000;

/** Options for {@link createMarketReadCache}. */
export interface MarketReadCacheOptions {
  store: CacheStore;
  metrics?: Registry;
  /** @default DEFAULT_SERIES_TTL_MS */
  seriesTtlMs?: number;
  /** @default DEFAULT_TICKER_TTL_MS */
  tickerTtlMs?: number;
  /** Told about store failures (the read went to the loader). */
  onError?: (error: unknown) => void;
}

/** An indicator read over the latest candles: its name and parameters make the entry. */
export interface IndicatorCacheKey {
  symbol: string;
  interval: CandleInterval;
  exchange?: string | undefined;
  limit?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Indicator name and parameters, e.g. `macd:12:26:9`. */
  indicator: string;
}

/** The cache the market routes read through. */
export interface MarketReadCache {
  /** Candles for `query`: cached when it asks for the latest ones, else `load()` straight. */
  candles(query: CandleQuery, load: () => Promise<StoredCandle[]>): Promise<StoredCandle[]>;
  /** An indicator series over the latest candles (same rule), invalidated with its candles. */
  indicator<T>(key: IndicatorCacheKey, load: () => Promise<T>): Promise<T>;
  /** The last ticker stored for `symbol`. */
  ticker(symbol: string): Promise<Ticker | undefined>;
  /** Stores a ticker (the collector's publish path). */
  putTicker(ticker: Ticker): Promise<void>;
  /** Drops every cached read over these candles' series; call after their rows are committed. */
  invalidateCandles(candles: ReadonlyArray<{ symbol: string; interval: string }>): Promise<void>;
}

const candleSeries = (symbol: string, interval: string) => `candles:${symbol}:${interval}`;
/** Whether a read asks for the latest series (no range): the reads the cache keeps. */
export const isLatest = (q: { from?: number | undefined; to?: number | undefined }) =>
  q.from === undefined && q.to === undefined;

function cacheMetrics(registry: Registry | undefined) {
  if (!registry) return undefined;
  const counter = (name: string, help: string, label: string) =>
    getOrCreateMetric(registry, name, () => new Counter({ name, help, labelNames: [label], registers: [registry] }));
  return {
    hits: counter('tickline_market_cache_hits_total', 'Market reads answered by the read cache, by kind (candles, indicator, ticker).', 'kind'),
    misses: counter('tickline_market_cache_misses_total', 'Market reads the cache did not have (loaded from SQL, then stored), by kind.', 'kind'),
    errors: counter('tickline_market_cache_errors_total', 'Read-cache store calls that failed or timed out (the read went to SQL), by store.', 'store'),
  };
}

/** The read cache over `store`. */
export function createMarketReadCache(options: MarketReadCacheOptions): MarketReadCache {
  const { store } = options;
  const seriesTtlMs = options.seriesTtlMs ?? DEFAULT_SERIES_TTL_MS;
  const tickerTtlMs = options.tickerTtlMs ?? DEFAULT_TICKER_TTL_MS;
  const metrics = cacheMetrics(options.metrics);
  const failed = (error: unknown) => {
    metrics?.errors.inc({ store: store.name });
    options.onError?.(error);
  };

  async function cached<T>(kind: CacheKind, series: string, entry: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    let generation: number | undefined;
    try {
      const found = await store.read(series, entry);
      if (found.value !== undefined) {
        metrics?.hits.inc({ kind });
        return JSON.parse(found.value) as T;
      }
      generation = found.generation;
    } catch (error) {
      failed(error);
    }
    metrics?.misses.inc({ kind });
    const value = await load();
    if (generation !== undefined) {
      // Stored under the generation read *before* loading: see cache-store.ts.
      await store.write(series, generation, entry, JSON.stringify(value), ttlMs).catch(failed);
    }
    return value;
  }

  return {
    candles(query, load) {
      if (!isLatest(query)) return load();
      const entry = `latest:${query.exchange ?? '*'}:${query.limit ?? ''}`;
      return cached(CacheKind.Candles, candleSeries(query.symbol, query.interval), entry, seriesTtlMs, load);
    },
    indicator(key, load) {
      if (!isLatest(key)) return load();
      const entry = `indicator:${key.indicator}:${key.exchange ?? '*'}:${key.limit ?? ''}`;
      return cached(CacheKind.Indicator, candleSeries(key.symbol, key.interval), entry, seriesTtlMs, load);
    },
    async ticker(symbol) {
      try {
        const found = await store.read(`ticker:${symbol}`, 'last');
        metrics?.[found.value === undefined ? 'misses' : 'hits'].inc({ kind: CacheKind.Ticker });
        return found.value === undefined ? undefined : (JSON.parse(found.value) as Ticker);
      } catch (error) {
        failed(error);
        return undefined;
      }
    },
    async putTicker(ticker) {
      const series = `ticker:${ticker.symbol}`;
      try {
        const { generation } = await store.read(series, 'last');
        await store.write(series, generation, 'last', JSON.stringify(ticker), tickerTtlMs);
      } catch (error) {
        failed(error);
      }
    },
    async invalidateCandles(candles) {
      const series = [...new Set(candles.map((c) => candleSeries(c.symbol, c.interval)))];
      if (series.length === 0) return;
      await store.invalidate(series).catch(failed);
    },
  };
}
