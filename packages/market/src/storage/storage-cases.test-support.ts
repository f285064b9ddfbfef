/**
 * @module Market storage cases, written once and run on PGlite (`storage.test.ts`) and on a real
 * PostgreSQL server (`storage.int.test.ts`): partitions, projections, queries, quarantine, job runs.
 */
import { createEventSource, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { ensurePartitions, listPartitions, migrate, partitionsAround, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MarketCandleClosed, MarketCandleUpdated, MarketTrade } from '../candles/events.ts';
import type { Candle, Trade } from '../port/market-message.ts';
import { partitionMaintenanceJob } from '../jobs/partition-job.ts';
import { createSqlJobRunRecorder, queryJobRuns } from '../jobs/sql-job-runs.ts';
import { deleteUploadedCandles, importCandles } from './candle-history.ts';
import { DEFAULT_CANDLE_RETENTION_MS, maintainMarketPartitions } from './partition-maintenance.ts';
import { MARKET_TRADES_TABLE } from './market-tables.ts';
import { createCandleProjection, createTradeProjection } from './projections.ts';
import { insertQuarantine, queryQuarantine } from './quarantine.ts';
import { listMarkets, MAX_QUERY_LIMIT, queryCandles, queryTrades } from './queries.ts';

const DAY = 86_400_000;
/** 2026-03-15 12:00 UTC. */
const T0 = Date.UTC(2026, 2, 15, 12);

const events = createEventSource({ source: 'collector/test', clock: new ManualClock(T0) });

function trade(id: number, timeMs: number, price = 100, symbol = 'BTC-USDT', exchange = 'sim'): Trade {
  return {
    exchange,
    symbol,
    tradeId: String(id),
    price,
    size: 0.5,
    side: 'buy',
    exchangeTime: timeMs,
    receivedAt: timeMs + 3,
  };
}

function tradeEvent(t: Trade): EventEnvelope {
  return events.create(MarketTrade, { subject: t.symbol, data: t });
}

function candle(openTime: number, close: number, revision = 0, extra: Partial<Candle> = {}): Candle {
  return {
    exchange: 'sim',
    symbol: 'BTC-USDT',
    interval: '1m',
    openTime,
    closeTime: openTime + 60_000,
    open: 100,
    high: Math.max(100, close),
    low: Math.min(100, close),
    close,
    volume: 2,
    quoteVolume: 200,
    trades: 4,
    incomplete: false,
    revision,
    ...extra,
  };
}

const updated = (c: Candle): EventEnvelope =>
  events.create(MarketCandleUpdated, { subject: c.symbol, data: c });
const closed = (c: Candle): EventEnvelope =>
  events.create(MarketCandleClosed, { subject: c.symbol, data: { ...c, correction: c.revision > 0 } });

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

    it('history - imported candles older than the retention outlive maintenance passes and are read back', async () => {
      // Older than the default two years, where a recorded candle is dropped by the pass.
      const old = T0 - DEFAULT_CANDLE_RETENTION_MS - 90 * DAY;
      const imported = [0, 1, 2].map((i) => candle(old + i * 60_000, 50 + i));
      const fine = candle(T0 - 10 * DAY, 7, 0, { interval: '1s', closeTime: T0 - 10 * DAY + 1_000 });
      expect(await importCandles(sql, [...imported, fine], 'upload-1')).toBe(4);
      await createCandleProjection({ sql }).apply([closed(candle(old + 5 * 60_000, 99))]);
      for (const now of [T0, T0 + 40 * DAY]) {
        const pass = await maintainMarketPartitions(sql, now);
        expect(pass.candles.dropped).toEqual([]);
      }
      // The recorded one went with the retention; the imported ones, 1 s included, did not.
      const left = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: 0 });
      expect(left.map((c) => [c.openTime, c.close])).toEqual(imported.map((c) => [c.openTime, c.close]));
      expect(left[0]).toMatchObject({ ...imported[0], closed: true });
      expect((await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1s' })).map((c) => c.close)).toEqual([
        7,
      ]);
      // The market lists the symbol, as a projected candle makes it.
      expect(await listMarkets(sql)).toEqual([
        expect.objectContaining({ exchange: 'sim', symbol: 'BTC-USDT', firstSeenAt: old }),
      ]);
    });

    it('history - a recorded candle wins over an imported one with the same key, whichever came first', async () => {
      const projection = createCandleProjection({ sql });
      const at = (i: number) => T0 + i * 60_000;
      await projection.apply([closed(candle(at(1), 901))]);
      await importCandles(
        sql,
        [0, 1, 2, 3].map((i) => candle(at(i), 50 + i)),
        'upload-1',
      );
      await projection.apply([closed(candle(at(2), 902, 1))]);
      // The same time on another exchange is another key: both are read, ordered by exchange.
      await importCandles(sql, [candle(at(1), 7, 0, { exchange: 'other' })], null);
      const read = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: at(0) });
      expect(read.map((c) => [(c.openTime - T0) / 60_000, c.exchange, c.close])).toEqual([
        [0, 'sim', 50],
        [1, 'other', 7],
        [1, 'sim', 901],
        [2, 'sim', 902],
        [3, 'sim', 53],
      ]);
      expect(read[3]).toMatchObject({ revision: 1 });
      // Importing the key again (a chunk sent twice, or a new file) still loses to the recorded one:
      // a key recorded already is not imported at all.
      expect(await importCandles(sql, [candle(at(1), 60)], 'upload-2')).toBe(0);
      expect(
        (
          await queryCandles(sql, {
            symbol: 'BTC-USDT',
            interval: '1m',
            exchange: 'sim',
            from: at(1),
            to: at(2),
          })
        )[0],
      ).toMatchObject({
        close: 901,
      });
    });

    it('history - ranges, limits and the latest rows run across both tables in one order', async () => {
      const opens = Array.from({ length: 10 }, (_, i) => T0 + i * 60_000);
      // Even minutes recorded, odd ones imported; one more on another exchange at minute 9.
      await createCandleProjection({ sql }).apply(
        opens.filter((_, i) => i % 2 === 0).map((o) => closed(candle(o, 100))),
      );
      await importCandles(
        sql,
        opens.filter((_, i) => i % 2 === 1).map((o) => candle(o, 200)),
        'upload-1',
      );
      await importCandles(sql, [candle(opens[9]!, 5, 0, { exchange: 'other' })], 'upload-1');
      const minutes = (rows: { openTime: number }[]) => rows.map((r) => (r.openTime - T0) / 60_000);
      const q = { symbol: 'BTC-USDT', interval: '1m', exchange: 'sim' } as const;
      expect(minutes(await queryCandles(sql, q))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(minutes(await queryCandles(sql, { ...q, from: opens[3], to: opens[7] }))).toEqual([3, 4, 5, 6]);
      expect(minutes(await queryCandles(sql, { ...q, from: opens[2], limit: 3 }))).toEqual([2, 3, 4]);
      expect(minutes(await queryCandles(sql, { ...q, limit: 3 }))).toEqual([7, 8, 9]);
      expect(minutes(await queryCandles(sql, { ...q, to: opens[6], limit: 2 }))).toEqual([4, 5]);
      // Paging as a backtest does (from the last open + 1) reads every row once.
      const paged: number[] = [];
      for (let from = opens[0]!; ;) {
        const page = await queryCandles(sql, { ...q, from, limit: 4 });
        paged.push(...minutes(page));
        if (page.length < 4) break;
        from = page.at(-1)!.openTime + 1;
      }
      expect(paged).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Every exchange: ties by exchange, in the latest rows too.
      const latest = await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', limit: 3 });
      expect(latest.map((c) => [(c.openTime - T0) / 60_000, c.exchange, c.close])).toEqual([
        [8, 'sim', 100],
        [9, 'other', 5],
        [9, 'sim', 200],
      ]);
    });

    it('history - deleting an upload deletes the rows it wrote last, nothing else', async () => {
      const at = (i: number) => T0 + i * 60_000;
      await createCandleProjection({ sql }).apply([closed(candle(at(0), 900))]);
      await importCandles(
        sql,
        [0, 1, 2].map((i) => candle(at(i), 10 + i)),
        'upload-1',
      );
      // A chunk sent twice changes nothing; a later upload takes minute 2 over.
      await importCandles(
        sql,
        [0, 1, 2].map((i) => candle(at(i), 10 + i)),
        'upload-1',
      );
      await importCandles(
        sql,
        [2, 3].map((i) => candle(at(i), 20 + i)),
        'upload-2',
      );
      await importCandles(sql, [candle(at(4), 30)], null);
      const read = async () =>
        (await queryCandles(sql, { symbol: 'BTC-USDT', interval: '1m', from: at(0) })).map((c) => [
          (c.openTime - T0) / 60_000,
          c.close,
        ]);
      expect(await read()).toEqual([
        [0, 900],
        [1, 11],
        [2, 22],
        [3, 23],
        [4, 30],
      ]);
      // Minute 0 was recorded before upload-1 came: never imported, so only minute 1 goes.
      expect(await deleteUploadedCandles(sql, 'upload-1')).toBe(1);
      expect(await read()).toEqual([
        [0, 900],
        [2, 22],
        [3, 23],
        [4, 30],
      ]);
      expect(await deleteUploadedCandles(sql, 'upload-1')).toBe(0);
      expect(await deleteUploadedCandles(sql, 'upload-2')).toBe(2);
      expect(await read()).toEqual([
        [0, 900],
        [4, 30],
      ]);
      expect(await listMarkets(sql)).toHaveLength(1);
    });

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

    it('projections - trades: the same batch twice, and a replay under new event ids, store each trade once', async () => {
      await maintainMarketPartitions(sql, T0);
      const projection = createTradeProjection({ sql });
      const batch = [1, 2, 3].map((i) => tradeEvent(trade(i, T0 + i * 1_000, 100 + i)));
      expect(await projection.apply(batch, { lastOffset: 3 })).toEqual({ projected: 3, duplicates: 0 });
      expect(await projection.apply(batch, { lastOffset: 3 })).toEqual({ projected: 0, duplicates: 3 });
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
