/**
 * The simulators' recorded past over a real PostgreSQL store: written once on a fresh store, in
 * whole candles up to the minute live starts; never again on a restart, never over a market
 * recorded before, and one past (not a mix) when two collectors start at once.
 */
import { ManualClock, silentLogger } from '@tickline/kernel';
import { createPostgresSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CollectorSource } from '../collector/collector.ts';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { SimulatorSource } from '../sources/simulator/source.ts';
import { upsertCandles } from '../storage/candle-writes.ts';
import { createSimulatorHistory } from './simulator-history.ts';

const postgres = providedPostgres(inject);
const context = { logger: silentLogger, fail: () => undefined };
const MINUTE = 60_000;
const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];
const NOW = Date.UTC(2026, 2, 15, 12, 30, 17, 400);
const LIVE_START = Date.UTC(2026, 2, 15, 12, 30);
const TAPE_START = Date.UTC(2026, 2, 15, 12, 20);

function simulator(now = NOW, historyMs = 10 * MINUTE): CollectorSource {
  const source = new SimulatorSource({ seed: 4, historyMs, clock: new ManualClock(now) });
  return { source, symbols: SYMBOLS };
}

async function writeHistory(sql: Sql, ...sources: CollectorSource[]): Promise<void> {
  const service = createSimulatorHistory({ sql, sources, intervals: ['1s', '1m', '5m'] });
  await service!.start(context);
  expect(service!.health().status).toBe('up');
  await service!.stop();
}

interface Row {
  symbol: string;
  interval: string;
  open_ms: number;
  close_ms: number;
  close: number;
  updated_at: Date;
}
const stored = async (sql: Sql): Promise<Row[]> =>
  (
    await sql.query<Row>(
      `select symbol, interval, extract(epoch from open_time) * 1000 as open_ms,
         extract(epoch from close_time) * 1000 as close_ms, close, updated_at
       from market_candles order by symbol, interval, open_time`,
    )
  ).rows.map((r) => ({ ...r, open_ms: Number(r.open_ms), close_ms: Number(r.close_ms) }));

describe.skipIf(!postgres.url)(
  `market - simulator history over postgres ${postgres.skipReason ?? ''}`,
  () => {
    let sql: Sql;
    beforeAll(async () => {
      sql = await createPostgresSql({
        url: await createDatabase(postgres.url!, 'market_sim_history'),
        poolSize: 4,
      });
    });
    afterAll(async () => {
      await sql?.close();
    });
    beforeEach(async () => {
      await sql.exec('drop schema if exists public cascade; create schema public');
      await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    });

    it('fresh store - whole candles from the window to the live start, and the markets listed', async () => {
      const source = simulator();
      await writeHistory(sql, source);
      const rows = await stored(sql);
      for (const symbol of SYMBOLS) {
        const seconds = rows.filter((r) => r.symbol === symbol && r.interval === '1s');
        expect(seconds[0]!.open_ms).toBeGreaterThanOrEqual(TAPE_START);
        expect(seconds.at(-1)!.close_ms).toBeLessThanOrEqual(LIVE_START);
        expect(seconds.length).toBeGreaterThan(((LIVE_START - TAPE_START) / 1_000) * 0.95);
        const minutes = rows.filter((r) => r.symbol === symbol && r.interval === '1m').map((r) => r.open_ms);
        expect(minutes).toEqual([...Array(10).keys()].map((m) => TAPE_START + m * MINUTE));
        // 5 m candles: 12:20 and 12:25; the one of 12:30 is live's.
        const fives = rows.filter((r) => r.symbol === symbol && r.interval === '5m').map((r) => r.open_ms);
        expect(fives).toEqual([TAPE_START, TAPE_START + 5 * MINUTE]);
      }
      // Their live candles continue this past: the collector marks no gap before them.
      expect(SYMBOLS.every((s) => (source.source as SimulatorSource).continuesStoredPast(s))).toBe(true);
      const { rows: markets } = await sql.query<{ symbol: string }>(
        `select symbol from market_symbols where exchange = 'simulator' order by symbol`,
      );
      expect(markets.map((m) => m.symbol)).toEqual(SYMBOLS);
    });

    it('restart - a later start on the same store writes nothing and rewrites nothing', async () => {
      await writeHistory(sql, simulator());
      const before = await stored(sql);
      const restarted = simulator(NOW + 7 * MINUTE);
      await writeHistory(sql, restarted);
      expect(await stored(sql)).toEqual(before);
      // A restart's first candles follow a gap: the collector marks them incomplete as always.
      expect((restarted.source as SimulatorSource).continuesStoredPast('BTC-USDT')).toBe(false);
    });

    it('a market recorded before keeps its candles; only the new market gets a past', async () => {
      const recorded = {
        exchange: 'simulator',
        symbol: 'ETH-USDT',
        interval: '1s' as const,
        openTime: LIVE_START - 5_000,
        closeTime: LIVE_START - 4_000,
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        quoteVolume: 1,
        trades: 1,
        incomplete: false,
        revision: 0,
      };
      await sql.transaction(async (tx) => {
        await upsertCandles(tx, [{ candle: recorded, closed: true }]);
        await tx.query(
          `insert into market_symbols (exchange, symbol, first_seen_at, last_candle_at) values ('simulator', 'ETH-USDT', now(), now())`,
        );
      });
      await writeHistory(sql, simulator());
      const rows = await stored(sql);
      expect(rows.filter((r) => r.symbol === 'ETH-USDT').map((r) => [r.open_ms, r.close])).toEqual([
        [recorded.openTime, 1],
      ]);
      expect(rows.filter((r) => r.symbol === 'BTC-USDT' && r.interval === '1s').length).toBeGreaterThan(500);
    });

    it('two collectors starting at once store one past, not a mix', async () => {
      const first = simulator();
      const second = simulator(NOW + 3 * MINUTE);
      await Promise.all([writeHistory(sql, first), writeHistory(sql, second)]);
      const rows = await stored(sql);
      const pasts = [first, second].map(
        (s) => (s.source as SimulatorSource).history(['1s', '1m', '5m']).candles,
      );
      const keys = rows.map((r) => `${r.symbol} ${r.interval} ${r.open_ms} ${r.close}`).sort();
      const of = (candles: (typeof pasts)[number]) =>
        candles.map((c) => `${c.symbol} ${c.interval} ${c.openTime} ${c.close}`).sort();
      expect([of(pasts[0]!), of(pasts[1]!)]).toContainEqual(keys);
    });

    it('without history (or at full speed) there is no service', () => {
      expect(
        createSimulatorHistory({ sql, sources: [simulator(NOW, 0)], intervals: ['1s'] }),
      ).toBeUndefined();
    });
  },
);
