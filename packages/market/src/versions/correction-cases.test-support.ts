/**
 * Corrections of recorded candles are data versions (storage/candle-writes.ts, migration 0105):
 * candles built by the collector's hot path (SourceIngest → its events → the candle projection)
 * and then corrected by a late trade or a REST backfill keep their earlier values for as-of reads,
 * one version per batch and symbol, none for an identical rewrite. Registered by
 * marketStorageCases inside its suite, on its database (PGlite and PostgreSQL).
 */
import { ManualClock, type EventEnvelope } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { expect, it } from 'vitest';
import { CandleAggregator } from '../candles/aggregator.ts';
import { SourceIngest } from '../collector/source-ingest.ts';
import { createTradeValidator } from '../normalize/trade-validator.ts';
import type { Candle } from '../port/market-message.ts';
import { maintainMarketPartitions } from '../storage/partition-maintenance.ts';
import { createCandleProjection } from '../storage/projections.ts';
import { queryCandles } from '../storage/queries.ts';
import { T0, trade } from '../storage/storage-fixtures.test-support.ts';
import { dataVersionAt, latestDataVersion, listDataVersions } from './data-versions.ts';

const MIN = 60_000;

/** The collector's path for one source: trades and venue bars in, events out to the projection. */
function collector(sql: Sql) {
  const clock = new ManualClock(T0 + 10 * MIN);
  const published: EventEnvelope[] = [];
  const ingest = new SourceIngest({
    source: 'sim',
    publish: (event) => published.push(event),
    validator: createTradeValidator({ maxPastMs: Number.POSITIVE_INFINITY }),
    // Closed minutes stay correctable for two minutes of exchange time.
    aggregator: new CandleAggregator({ intervals: ['1m'], graceMs: 2 * MIN, emitUpdates: false }),
    intervals: ['1m'],
    clock,
  });
  const projection = createCandleProjection({ sql });
  let id = 0;
  return {
    trade: (atMs: number, price: number, symbol = 'BTC-USDT') =>
      ingest.onMessage({ kind: 'trade', trade: trade(++id, atMs, price, symbol) }),
    backfill: (candle: Candle) => ingest.onMessage({ kind: 'candle', candle, backfill: true }),
    /** Projects what was published since the last flush as one batch (the consumer's batch). */
    flush: async () => {
      await projection.apply(published.splice(0));
    },
  };
}

const minutes = async (sql: Sql, asOfVersion?: number) =>
  (
    await queryCandles(sql, {
      symbol: 'BTC-USDT',
      interval: '1m',
      from: T0,
      ...(asOfVersion === undefined ? {} : { asOfVersion }),
    })
  ).map((c) => ({
    openTime: c.openTime,
    low: c.low,
    close: c.close,
    trades: c.trades,
    revision: c.revision,
  }));

/** Waits until the wall clock has passed `ms` (versions are stamped by the database's clock). */
async function after(ms: number): Promise<void> {
  while (Date.now() <= ms + 1) await new Promise((resolve) => setTimeout(resolve, 2));
}

export function marketCorrectionCases(db: () => Sql): void {
  it('corrections - late trades that correct closed candles keep the earlier values, one version per batch and symbol', async () => {
    const sql = db();
    const c = collector(sql);
    c.trade(T0 + 1_000, 100);
    c.trade(T0 + 30_000, 102);
    c.trade(T0 + MIN + 1_000, 103);
    c.trade(T0 + 2 * MIN + 1_000, 104); // closes the second minute
    c.trade(T0 + 1_000, 50, 'ETH-USDT');
    c.trade(T0 + MIN + 1_000, 51, 'ETH-USDT');
    await c.flush();
    const before = await latestDataVersion(sql);
    const beforeAt = Date.now();
    const stored = await minutes(sql);
    expect(stored).toEqual([
      { openTime: T0, low: 100, close: 102, trades: 2, revision: 0 },
      { openTime: T0 + MIN, low: 103, close: 103, trades: 1, revision: 0 },
    ]);
    await after(beforeAt);

    // Late trades into both closed minutes of BTC (twice into the first) and the closed one of ETH.
    c.trade(T0 + 20_000, 99);
    c.trade(T0 + 25_000, 98);
    c.trade(T0 + MIN + 40_000, 101);
    c.trade(T0 + 40_000, 49, 'ETH-USDT');
    await c.flush();

    const corrected = [
      { openTime: T0, low: 98, close: 102, trades: 4, revision: 2 },
      { openTime: T0 + MIN, low: 101, close: 101, trades: 2, revision: 1 },
    ];
    expect(await minutes(sql)).toEqual(corrected);
    // As of the version before, or a time before the correction: the values the batch replaced.
    expect(await minutes(sql, before)).toEqual(stored);
    expect(await minutes(sql, await dataVersionAt(sql, beforeAt))).toEqual(stored);
    const [btc] = await listDataVersions(sql, {
      symbol: 'BTC-USDT',
      interval: '1m',
      from: T0,
      to: T0 + 5 * MIN,
    });
    expect(btc).toMatchObject({
      kind: 'correction',
      source: 'collector:sim',
      exchange: 'sim',
      interval: '1m',
      changed: 2,
      firstOpen: T0,
      lastOpen: T0 + MIN,
    });
    expect(btc!.id).toBeGreaterThan(before);
    expect(await minutes(sql, btc!.id)).toEqual(corrected);
    expect((await listDataVersions(sql, { symbol: 'BTC-USDT' })).map((v) => v.id)).toEqual([btc!.id]);
    expect(await listDataVersions(sql, { symbol: 'ETH-USDT' })).toEqual([
      expect.objectContaining({ kind: 'correction', source: 'collector:sim', changed: 1, firstOpen: T0 }),
    ]);

    // A batch with closes only (no stored closed candle rewritten) opens no version.
    const last = await latestDataVersion(sql);
    c.trade(T0 + 3 * MIN + 1_000, 105);
    await c.flush();
    expect(await latestDataVersion(sql)).toBe(last);
  });

  it('corrections - a backfill bar that rewrites a stored candle is a version of backfill:{venue}; the same bar again is none', async () => {
    const sql = db();
    const c = collector(sql);
    c.trade(T0 + 1_000, 100);
    c.trade(T0 + MIN + 1_000, 101);
    await c.flush();
    const before = await latestDataVersion(sql);
    const bar: Candle = {
      exchange: 'sim',
      symbol: 'BTC-USDT',
      interval: '1m',
      openTime: T0,
      closeTime: T0 + MIN,
      open: 100,
      high: 100.5,
      low: 99.5,
      close: 100.2,
      volume: 7,
      quoteVolume: 700,
      trades: 12,
      incomplete: false,
      revision: 0,
    };
    c.backfill(bar);
    await c.flush();
    expect((await minutes(sql))[0]).toMatchObject({ close: 100.2, trades: 12 });
    expect((await minutes(sql, before))[0]).toMatchObject({ close: 100, trades: 1 });
    const versions = await listDataVersions(sql, { symbol: 'BTC-USDT' });
    expect(versions).toEqual([
      expect.objectContaining({
        kind: 'correction',
        source: 'backfill:sim',
        changed: 1,
        firstOpen: T0,
        lastOpen: T0,
      }),
    ]);
    // The venue sends the same bar again: nothing changes, no version.
    c.backfill(bar);
    await c.flush();
    expect(await listDataVersions(sql, { symbol: 'BTC-USDT' })).toEqual(versions);

    // The kept values go with their candle: once retention took it, maintenance deletes them.
    await sql.query('delete from market_candles where open_time = $1', [new Date(T0)]);
    expect(await maintainMarketPartitions(sql, T0)).toMatchObject({ candleVersionsDeleted: 1 });
    expect(await maintainMarketPartitions(sql, T0)).toMatchObject({ candleVersionsDeleted: 0 });
  });
}
