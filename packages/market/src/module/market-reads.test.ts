import { createEventSource, ManualClock } from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketCandleClosed } from '../candles/events.ts';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import type { Ticker } from '../latest/latest-store.ts';
import { createCandleProjection } from '../storage/projections.ts';
import { createMarketReads } from './market-reads.ts';
import { testMarketView } from './market-view.test-support.ts';

/** 2026-03-15 12:00 UTC. */
const T0 = Date.UTC(2026, 2, 15, 12);
const HOUR = 3_600_000;

/**
 * `GET /markets` lists a market's exchanges with the live one first: the dashboard's chart follows
 * `exchanges[0]`, and an exchange known only from imported history (the Binance klines shipped with
 * the project sort before `simulator`) has no live candles to follow.
 */
describe('market list - the live exchange first', () => {
  let sql: Sql;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    const events = createEventSource({ source: 'collector/test', clock: new ManualClock(T0) });
    const imported = events.create(MarketCandleClosed, {
      subject: 'BTC-USDT',
      data: {
        exchange: 'binance',
        symbol: 'BTC-USDT',
        interval: '1h',
        openTime: T0 - HOUR,
        closeTime: T0,
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        quoteVolume: 1,
        trades: 1,
        incomplete: false,
        revision: 0,
        correction: false,
      },
    });
    await createCandleProjection({ sql }).apply([imported]);
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
  });

  it('the exchange of the newest trade leads; the rest follow by name', async () => {
    const live = {
      symbol: 'BTC-USDT',
      lastTrade: { exchange: 'simulator', symbol: 'BTC-USDT', exchangeTime: T0 + HOUR, price: 2 },
      stats24h: null,
      version: 1,
    } as unknown as Ticker;
    const view = testMarketView(sql, [live]);
    const [market] = await createMarketReads(view, ['BTC-USDT']).markets();
    expect(market).toMatchObject({ symbol: 'BTC-USDT', exchanges: ['simulator', 'binance'], lastPrice: 2 });
  });
});
