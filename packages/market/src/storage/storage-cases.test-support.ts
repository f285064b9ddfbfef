/**
 * @module Market storage cases, written once and run on PGlite (`storage.test.ts`) and on a real
 * PostgreSQL server (`storage.int.test.ts`): partitions, projections, queries, quarantine, job runs, and imported history
 * (history-cases.test-support.ts).
 */
import { ManualClock } from '@tickline/kernel';
import {
  ensurePartitions,
  listPartitions,
  migrate,
  partitionsAround,
  type Sql,
  loadMigrationSets,
  MIGRATIONS_DIR,
} from '@tickline/store';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Trade } from '../port/market-message.ts';
import { partitionMaintenanceJob } from '../jobs/partition-job.ts';
import { createSqlJobRunRecorder, queryJobRuns } from '../jobs/sql-job-runs.ts';
import { marketHistoryCases } from './history-cases.test-support.ts';
import { marketVersionCases } from '../versions/versions-cases.test-support.ts';
import { marketCorrectionCases } from '../versions/correction-cases.test-support.ts';
import { maintainMarketPartitions } from './partition-maintenance.ts';
import { MARKET_TRADES_TABLE } from './market-tables.ts';
import { createCandleProjection, createTradeProjection } from './projections.ts';
import { insertQuarantine, queryQuarantine } from './quarantine.ts';
import { listMarkets, MAX_QUERY_LIMIT, queryCandles, queryTrades } from './queries.ts';
import { candle, closed, DAY, T0, trade, tradeEvent, updated } from './storage-fixtures.test-support.ts';

/** Registers the cases for one engine; `open` gives a handle on an empty database. */
export function marketStorageCases(adapter: string, open: () => Promise<Sql>): void {
  describe(`market storage - ${adapter}`, () => {
    let sql: Sql;
    beforeAll(async () => {
      sql = await open();
    }, 60_000);
    afterAll(async () => {
      await sql?.close();
    });
    beforeEach(async () => {
      await sql.exec('drop schema if exists public cascade; create schema public');
      await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    });

    const partitionNames = async (table: string): Promise<string[]> =>
      (
        await sql.query<{ name: string }>(
          `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = $1::regclass order by 1`,
          [table],
        )
      ).rows.map((r) => r.name);

    it('partitions - maintenance creates daily trade and monthly candle partitions around now, once', async () => {
      const first = await maintainMarketPartitions(sql, T0);
      expect(first.trades.created).toEqual([
        'market_trades_p20260314',
        'market_trades_p20260315',
        'market_trades_p20260316',
        'market_trades_p20260317',
        'market_trades_p20260318',
      ]);
      expect(first.candles.created).toEqual([
        'market_candles_p202602',
        'market_candles_p202603',
        'market_candles_p202604',
        'market_candles_p202605',
      ]);
      expect(await partitionNames('market_trades')).toEqual([
        'market_trades_default',
        ...first.trades.created,
      ]);
      const second = await maintainMarketPartitions(sql, T0);
      expect(second.trades.created).toEqual([]);
      expect(second.candles.created).toEqual([]);
      const [today] = (await listPartitions(sql, 'market_trades')).filter(
        (p) => p.name === 'market_trades_p20260315',
      );
      expect(today).toEqual({
        name: 'market_trades_p20260315',
        isDefault: false,
        fromMs: Date.UTC(2026, 2, 15),
        toMs: Date.UTC(2026, 2, 16),
      });
    });

    it('partitions - concurrent maintainers create each partition once and do not fail', async () => {
      const results = await Promise.all([1, 2, 3].map(() => maintainMarketPartitions(sql, T0)));
      const created = results.flatMap((r) => r.trades.created);
      expect(created.sort()).toEqual([...new Set(created)].sort());
      expect(await partitionNames('market_trades')).toHaveLength(6);
    });

    it('partitions - retention drops partitions that ended before the cutoff and expired default rows', async () => {
      await maintainMarketPartitions(sql, T0);
      const projection = createTradeProjection({ sql });
      // One trade in a partition, one far in the past (no partition: it lands in the default).
      await projection.apply([tradeEvent(trade(1, T0)), tradeEvent(trade(2, T0 - 400 * DAY))]);
      const located = await sql.query<{ trade_id: string; part: string }>(
        'select trade_id, tableoid::regclass::text as part from market_trades order by trade_id',
      );
      expect(located.rows).toEqual([
        { trade_id: '1', part: 'market_trades_p20260315' },
        { trade_id: '2', part: 'market_trades_default' },
      ]);

      const later = T0 + 40 * DAY; // trades keep 30 days by default
      const result = await maintainMarketPartitions(sql, later, { candles: { retentionMs: 31 * DAY } });
      expect(result.trades.dropped).toEqual([
        'market_trades_p20260314',
        'market_trades_p20260315',
        'market_trades_p20260316',
        'market_trades_p20260317',
        'market_trades_p20260318',
      ]);
      expect(result.trades.defaultRowsDeleted).toBe(1);
      expect(result.candles.dropped).toEqual(['market_candles_p202602']);
      const names = await partitionNames('market_trades');
      expect(names).not.toContain('market_trades_p20260315');
      expect(names).toContain('market_trades_default');
      expect((await sql.query("select to_regclass('market_trades_p20260315') as t")).rows[0]).toEqual({
        t: null,
      });
      expect((await sql.query('select count(*)::int as n from market_trades')).rows[0]).toEqual({ n: 0 });
    });

    it('partitions - null retention keeps everything; the partitions kept behind are never dropped', async () => {
      await maintainMarketPartitions(sql, T0);
      const result = await maintainMarketPartitions(sql, T0, {
        trades: { retentionMs: 0 },
        candles: { retentionMs: null },
      });
      expect(result.trades.dropped).toEqual([]);
      expect(result.candles.dropped).toEqual([]);
    });

    it('partitions - fine candles expire by interval inside kept partitions; the job reports the pass', async () => {
      const projection = createCandleProjection({ sql });
      await projection.apply([
        closed(candle(T0, 101, 0, { interval: '1s', closeTime: T0 + 1_000 })),
        closed(candle(T0, 101)),
      ]);
      await insertQuarantine(sql, [
        { receivedAt: T0 - 5 * DAY, source: 'sim', reason: 'old' },
        { receivedAt: T0, source: 'sim', reason: 'recent' },
      ]);
      const recorder = createSqlJobRunRecorder(sql);
      await recorder.started({
        job: 'old',
        trigger: 'schedule',
        status: 'running',
        startedAt: T0 - 40 * DAY,
      });
      const job = partitionMaintenanceJob({ sql, clock: new ManualClock(T0 + 3 * DAY) });
      expect(job).toMatchObject({ name: 'partition-maintenance', schedule: '7 * * * *', runOnStart: true });
      const details = await job.run(new AbortController().signal);
      expect(details).toMatchObject({
        candleRowsDeleted: 1,
        quarantineRowsDeleted: 1,
        jobRunsDeleted: 1,
        trades: { created: expect.arrayContaining(['market_trades_p20260321']) as unknown, dropped: [] },
      });
      expect(await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1s' })).toEqual([]);
      expect(await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m' })).toHaveLength(1);
      expect((await queryQuarantine(sql)).map((e) => e.reason)).toEqual(['recent']);
      expect(await queryJobRuns(sql)).toEqual([]);
      expect(() => partitionMaintenanceJob({ sql, trades: { ahead: -1 } })).toThrow(RangeError);
    });

    marketHistoryCases(() => sql);
    marketVersionCases(() => sql);
    marketCorrectionCases(() => sql);

    it('partitions - rows already in the default partition move into a partition created for their range', async () => {
      const projection = createTradeProjection({ sql });
      await projection.apply([tradeEvent(trade(1, T0)), tradeEvent(trade(2, T0 + 5 * DAY))]);
      const created = await ensurePartitions(
        sql,
        MARKET_TRADES_TABLE,
        partitionsAround('market_trades', 'day', T0, 0, 0),
      );
      expect(created).toEqual(['market_trades_p20260315']);
      const located = await sql.query<{ trade_id: string; part: string }>(
        'select trade_id, tableoid::regclass::text as part from market_trades order by trade_id',
      );
      expect(located.rows).toEqual([
        { trade_id: '1', part: 'market_trades_p20260315' },
        { trade_id: '2', part: 'market_trades_default' },
      ]);
      // The moved partition enforces the key like any other.
      await projection.apply([tradeEvent(trade(1, T0))]);
      expect((await queryTrades(sql, { symbol: 'BTC-USDT' })).map((t) => t.tradeId)).toEqual(['1', '2']);
    });

    it('projections - trades: the same batch twice, and a replay under new event ids, store each trade once, with no claims', async () => {
      await maintainMarketPartitions(sql, T0);
      const projection = createTradeProjection({ sql });
      const batch = [1, 2, 3].map((i) => tradeEvent(trade(i, T0 + i * 1_000, 100 + i)));
      expect(await projection.apply(batch, { lastOffset: 3 })).toEqual({ projected: 3, duplicates: 0 });
      // Not claimed (the trade key dedups): delivered again, it is projected again and stores nothing.
      expect(await projection.apply(batch, { lastOffset: 3 })).toEqual({ projected: 3, duplicates: 0 });
      const claims = await sql.query<{ n: number }>(
        "select count(*)::int as n from processed_events where consumer = 'market-trades'",
      );
      expect(claims.rows[0]!.n).toBe(0);
      // A source re-sending the same trades (new events, same venue ids) changes nothing either.
      await projection.handle([2, 3].map((i) => tradeEvent(trade(i, T0 + i * 1_000, 999))));
      const stored = await queryTrades(sql, { symbol: 'BTC-USDT' });
      expect(stored.map((t) => [t.tradeId, t.price])).toEqual([
        ['1', 101],
        ['2', 102],
        ['3', 103],
      ]);
      expect(stored[0]).toEqual(trade(1, T0 + 1_000, 101));
      expect(await listMarkets(sql)).toEqual([
        {
          exchange: 'sim',
          symbol: 'BTC-USDT',
          firstSeenAt: T0 + 1_000,
          lastTradeAt: T0 + 3_000,
          lastPrice: 103,
          lastCandleAt: null,
        },
      ]);
    });

    it('projections - candles: updates overwrite the forming candle, a close and its corrections win, stale states lose', async () => {
      const projection = createCandleProjection({ sql });
      const at = T0;
      const read = async () => (await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m' }))[0];
      await projection.apply([updated(candle(at, 101))]);
      expect(await read()).toMatchObject({ close: 101, closed: false, revision: 0 });
      await projection.apply([updated(candle(at, 102)), closed(candle(at, 103))]);
      expect(await read()).toMatchObject({ close: 103, closed: true, revision: 0 });
      await projection.apply([updated(candle(at, 50))]); // a forming state after the close
      expect(await read()).toMatchObject({ close: 103, closed: true });
      await projection.apply([closed(candle(at, 104, 1, { trades: 5 }))]); // late trade: correction
      expect(await read()).toMatchObject({ close: 104, closed: true, revision: 1, trades: 5 });
      await projection.apply([closed(candle(at, 103, 0))]); // an older revision
      expect(await read()).toMatchObject({ close: 104, revision: 1 });
      // One batch touching one candle several times (a single upsert may not touch a row twice).
      const next = at + 60_000;
      await projection.apply([
        updated(candle(next, 110)),
        closed(candle(next, 111)),
        updated(candle(next, 10)),
        closed(candle(next, 112, 2)),
        closed(candle(next, 90, 1)),
      ]);
      expect((await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: next }))[0]).toMatchObject({
        close: 112,
        closed: true,
        revision: 2,
      });
      expect((await listMarkets(sql))[0]).toMatchObject({ lastCandleAt: next, lastTradeAt: null });
    });

    it('projections - a replayed candle batch changes nothing', async () => {
      const projection = createCandleProjection({ sql });
      const batch = [updated(candle(T0, 101)), closed(candle(T0, 102))];
      await projection.apply(batch);
      const before = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m' });
      expect(await projection.apply(batch)).toEqual({ projected: 0, duplicates: 2 });
      expect(await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m' })).toEqual(before);
    });

    it('queries - candles ascend by open time within [from, to), latest N without from, per exchange', async () => {
      const projection = createCandleProjection({ sql });
      const opens = Array.from({ length: 10 }, (_, i) => T0 + i * 60_000);
      await projection.apply([...opens].reverse().map((o, i) => closed(candle(o, 100 + i))));
      await projection.apply([closed(candle(T0, 5, 0, { exchange: 'other' }))]);
      await projection.apply([closed(candle(T0, 5, 0, { interval: '5m', closeTime: T0 + 300_000 }))]);
      const times = (rows: { openTime: number }[]) => rows.map((r) => (r.openTime - T0) / 60_000);
      const q = { symbol: 'BTC-USDT', interval: '1m' } as const;
      expect(times(await queryCandles(sql, { ...q, exchange: 'sim' }))).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
      expect(times(await queryCandles(sql, { ...q, exchange: 'sim', from: opens[2], to: opens[5] }))).toEqual(
        [2, 3, 4],
      );
      expect(times(await queryCandles(sql, { ...q, exchange: 'sim', from: opens[2], limit: 2 }))).toEqual([
        2, 3,
      ]);
      expect(times(await queryCandles(sql, { ...q, exchange: 'sim', limit: 3 }))).toEqual([7, 8, 9]);
      expect(times(await queryCandles(sql, { ...q, exchange: 'sim', to: opens[5], limit: 2 }))).toEqual([
        3, 4,
      ]);
      expect(times(await queryCandles(sql, { ...q, limit: 0 }))).toEqual([9]); // clamped to at least 1
      const both = await queryCandles(sql, { ...q, to: opens[1] });
      expect(both.map((c) => c.exchange)).toEqual(['other', 'sim']);
      expect(both[1]).toMatchObject({ close: 109, volume: 2, trades: 4, closed: true, interval: '1m' });
      expect(typeof both[1]!.high).toBe('number');
    });

    it('queries - trades ascend by exchange time; the limit is capped', async () => {
      await maintainMarketPartitions(sql, T0);
      const projection = createTradeProjection({ sql });
      const tape = Array.from({ length: 20 }, (_, i) => trade(i, T0 + (19 - i) * 10, 100 + i));
      await projection.apply(tape.map(tradeEvent));
      await projection.apply([tradeEvent(trade(99, T0, 1, 'ETH-USDT'))]);
      const ids = (rows: Trade[]) => rows.map((t) => Number(t.tradeId));
      expect(ids(await queryTrades(sql, { symbol: 'BTC-USDT', limit: 3 }))).toEqual([2, 1, 0]);
      expect(ids(await queryTrades(sql, { symbol: 'BTC-USDT', from: T0, to: T0 + 30 }))).toEqual([
        19, 18, 17,
      ]);
      expect(await queryTrades(sql, { symbol: 'BTC-USDT', limit: MAX_QUERY_LIMIT * 10 })).toHaveLength(20);
      expect((await listMarkets(sql)).map((m) => m.symbol)).toEqual(['BTC-USDT', 'ETH-USDT']);
    });

    it('quarantine - batches are stored and read back newest first, by reason, with their payload', async () => {
      const entries = Array.from({ length: 12 }, (_, i) => ({
        receivedAt: T0 + i,
        source: 'binance-spot',
        exchange: 'binance',
        symbol: 'BTC-USDT',
        reason: i % 3 === 0 ? 'price_not_positive' : 'decode_failed',
        payload: i % 2 === 0 ? { p: String(-i), list: [1, 2] } : `not json ${i}`,
      }));
      expect(await insertQuarantine(sql, entries)).toBe(12);
      expect(await insertQuarantine(sql, [])).toBe(0);
      await insertQuarantine(sql, [
        { receivedAt: T0 + 100, source: 'csv', reason: 'time_invalid', detail: 'row 7' },
      ]);
      const latest = await queryQuarantine(sql, { limit: 2 });
      expect(latest).toEqual([
        expect.objectContaining({
          source: 'csv',
          reason: 'time_invalid',
          detail: 'row 7',
          receivedAt: T0 + 100,
        }),
        expect.objectContaining({ reason: 'decode_failed', payload: 'not json 11', symbol: 'BTC-USDT' }),
      ]);
      expect(latest[0]).not.toHaveProperty('payload');
      const priced = await queryQuarantine(sql, { reason: 'price_not_positive' });
      expect(priced.map((e) => e.receivedAt - T0)).toEqual([9, 6, 3, 0]);
      expect(priced[3]!.payload).toEqual({ p: '0', list: [1, 2] });
      expect(await queryQuarantine(sql, { source: 'csv', from: T0 + 101 })).toEqual([]);
    });

    it('job runs - the SQL recorder stores a run as running, then its outcome', async () => {
      const recorder = createSqlJobRunRecorder(sql);
      const run = {
        job: 'backfill',
        trigger: 'schedule' as const,
        status: 'running' as const,
        startedAt: T0,
      };
      const handle = await recorder.started(run);
      expect(await queryJobRuns(sql, { job: 'backfill' })).toEqual([run]);
      await recorder.finished(handle, {
        ...run,
        status: 'failed',
        finishedAt: T0 + 1_500,
        durationMs: 1_500,
        error: 'venue down',
        details: { candles: 3 },
      });
      expect(await queryJobRuns(sql)).toEqual([
        {
          ...run,
          status: 'failed',
          finishedAt: T0 + 1_500,
          durationMs: 1_500,
          error: 'venue down',
          details: { candles: 3 },
        },
      ]);
    });
  });
}
