/**
 * @module Read-cache cases over real SQL (PGlite) and the real candle projection, run with the
 * memory store (`market-read-cache.test.ts`) and the Redis store (`redis-cache-store.int.test.ts`):
 * hits and misses, never stale after a close (also when a load races the projection), indicator
 * series invalidated with their candles, imported history's changes, ranges not cached, tickers.
 */
import { createEventSource, createMetricsRegistry, ManualClock, type EventEnvelope, type Registry } from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketCandleClosed, MarketCandleUpdated, MarketHistoryChanged } from '../candles/events.ts';
import { deleteUploadedCandles, importCandles } from '../storage/candle-history.ts';
import type { Candle } from '../port/market-message.ts';
import { createCandleProjection, type MarketProjection } from '../storage/projections.ts';
import { queryCandles, type CandleQuery } from '../storage/queries.ts';
import type { CacheStore } from './cache-store.ts';
import { createMarketReadCache, type MarketReadCache } from './market-read-cache.ts';

const T0 = Date.UTC(2026, 10, 22, 9, 0);
const events = createEventSource({ source: 'collector/test', clock: new ManualClock(T0) });

function candle(symbol: string, openTime: number, close: number): Candle {
  return {
    exchange: 'sim', symbol, interval: '1m', openTime, closeTime: openTime + 60_000,
    open: 100, high: Math.max(100, close), low: Math.min(100, close), close,
    volume: 1, quoteVolume: 100, trades: 3, incomplete: false, revision: 0,
  };
}
const updated = (c: Candle): EventEnvelope => events.create(MarketCandleUpdated, { subject: c.symbol, data: c });
const closed = (c: Candle): EventEnvelope => events.create(MarketCandleClosed, { subject: c.symbol, data: { ...c, correction: false } });

function counterValue(registry: Registry, name: string, kind: string): number {
  const metric = registry.getSingleMetric(name) as unknown as { hashMap: Record<string, { value: number; labels: Record<string, string> }> } | undefined;
  return Object.values(metric?.hashMap ?? {}).find((v) => v.labels.kind === kind)?.value ?? 0;
}

/** Registers the cases; `openStore` gives an empty store (a fresh key prefix on Redis). */
export function readCacheCases(name: string, openStore: () => Promise<CacheStore>): void {
  describe(`market read cache - ${name}`, () => {
    let sql: Sql;
    let cache: MarketReadCache;
    let projection: MarketProjection;
    let metrics: Registry;
    let loads = 0;
    let symbolCounter = 0;
    const read = (query: CandleQuery) =>
      cache.candles(query, async () => {
        loads++;
        return queryCandles(sql, query);
      });

    beforeAll(async () => {
      sql = await createPgliteSql({ memory: true });
      await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
      metrics = createMetricsRegistry({ processMetrics: false });
      cache = createMarketReadCache({ store: await openStore(), metrics });
      projection = createCandleProjection({ sql, cache });
    }, 60_000); // PGlite starts and migrates in a worker: seconds on a busy machine
    afterAll(() => sql?.close());
    const freshSymbol = () => `C${++symbolCounter}-USDT`;

    it('a second read of the latest candles is a hit; a close makes the next read a miss with the closed candle', async () => {
      const symbol = freshSymbol();
      await projection.apply([updated(candle(symbol, T0, 101))]);
      const before = loads;
      const first = await read({ symbol, interval: '1m' });
      const second = await read({ symbol, interval: '1m' });
      expect(second).toEqual(first);
      expect(loads - before).toBe(1);
      expect(first.map((c) => [c.close, c.closed])).toEqual([[101, false]]);
      expect(counterValue(metrics, 'tickline_market_cache_hits_total', 'candles')).toBeGreaterThanOrEqual(1);

      await projection.apply([closed(candle(symbol, T0, 105))]);
      const afterClose = await read({ symbol, interval: '1m' });
      expect(afterClose.map((c) => [c.close, c.closed])).toEqual([[105, true]]);
      expect(loads - before).toBe(2);
    });

    it('never stale after a close: a load that read SQL before the close committed is not served after it', async () => {
      const symbol = freshSymbol();
      await projection.apply([updated(candle(symbol, T0, 101))]);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // A reader misses and loads the forming candle, then stalls before storing it…
      const slow = cache.candles({ symbol, interval: '1m' }, async () => {
        const rows = await queryCandles(sql, { symbol, interval: '1m' });
        await gate;
        return rows;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      // …meanwhile the close is projected (committed, then invalidated)…
      await projection.apply([closed(candle(symbol, T0, 99))]);
      release();
      expect((await slow).map((c) => c.closed)).toEqual([false]); // that reader saw its own moment
      // …and every later reader gets the closed candle.
      expect((await read({ symbol, interval: '1m' })).map((c) => [c.close, c.closed])).toEqual([[99, true]]);
      expect((await read({ symbol, interval: '1m' })).map((c) => [c.close, c.closed])).toEqual([[99, true]]);
    });

    it('imported history: the latest read before an upload, or before its delete, is not served after its change event', async () => {
      const symbol = freshSymbol();
      const history = (change: 'imported' | 'deleted'): EventEnvelope =>
        events.create(MarketHistoryChanged, {
          subject: symbol,
          data: { exchange: 'sim', symbol, interval: '1m', uploadId: 'upload-1', change },
        });
      // Given a series nobody recorded, read (and cached) empty
      expect(await read({ symbol, interval: '1m' })).toEqual([]);
      // When an upload writes its candles and says so on the log
      await importCandles(sql, [candle(symbol, T0, 101), candle(symbol, T0 + 60_000, 102)], 'upload-1');
      expect(await read({ symbol, interval: '1m' })).toEqual([]); // (the cache knows nothing yet)
      await projection.apply([history('imported')]);
      // Then the next latest read has them
      expect((await read({ symbol, interval: '1m' })).map((c) => c.close)).toEqual([101, 102]);
      // And after the upload's delete and its event, they are gone from the latest read too
      await sql.transaction((tx) => deleteUploadedCandles(tx, 'upload-1'));
      await projection.apply([history('deleted')]);
      expect(await read({ symbol, interval: '1m' })).toEqual([]);
    });

    it('ranges are not cached; other symbols and intervals are separate series', async () => {
      const symbol = freshSymbol();
      await projection.apply([closed(candle(symbol, T0, 101)), closed(candle(symbol, T0 + 60_000, 102))]);
      const before = loads;
      await read({ symbol, interval: '1m', from: T0 });
      await read({ symbol, interval: '1m', from: T0 });
      expect(loads - before).toBe(2);
      await read({ symbol, interval: '1m', limit: 1 });
      await read({ symbol, interval: '1m', limit: 1 });
      await read({ symbol, interval: '5m', limit: 1 });
      expect(loads - before).toBe(4);
    });

    it('an indicator series is cached per name and parameters, and invalidated with its candles', async () => {
      const symbol = freshSymbol();
      await projection.apply([closed(candle(symbol, T0, 101))]);
      let computed = 0;
      const sma = () =>
        cache.indicator({ symbol, interval: '1m', indicator: 'sma:20' }, async () => {
          computed++;
          const rows = await queryCandles(sql, { symbol, interval: '1m' });
          return rows.map((c) => c.close);
        });
      expect(await sma()).toEqual([101]);
      expect(await sma()).toEqual([101]);
      expect(computed).toBe(1);
      await projection.apply([closed(candle(symbol, T0 + 60_000, 110))]);
      expect(await sma()).toEqual([101, 110]);
      expect(computed).toBe(2);
      expect(counterValue(metrics, 'tickline_market_cache_misses_total', 'indicator')).toBeGreaterThanOrEqual(2);
    });

    it('tickers - the last one put is read back; an unknown symbol has none', async () => {
      const symbol = freshSymbol();
      const ticker = {
        symbol,
        lastTrade: { exchange: 'sim', symbol, tradeId: '1', price: 100, size: 1, side: 'buy' as const, exchangeTime: T0, receivedAt: T0 },
        stats24h: null,
        version: 3,
      };
      await cache.putTicker(ticker);
      await cache.putTicker({ ...ticker, version: 4 });
      expect(await cache.ticker(symbol)).toEqual({ ...ticker, version: 4 });
      expect(await cache.ticker(freshSymbol())).toBeUndefined();
    });
  });
}
