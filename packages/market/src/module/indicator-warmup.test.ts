import { createEventSource, ManualClock } from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketCandleClosed } from '../candles/events.ts';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { ema, sma } from '../indicators/moving-averages.ts';
import { randomWalkOhlcv } from '../indicators/random-walk.ts';
import { rsi } from '../indicators/rsi.ts';
import { createCandleProjection } from '../storage/projections.ts';
import { createMarketReads, type MarketReads } from './market-reads.ts';
import { testMarketView } from './market-view.test-support.ts';

/** 2026-03-15 12:00 UTC. */
const T0 = Date.UTC(2026, 2, 15, 12);
const MINUTE = 60_000;
const BARS = 400;

/**
 * `GET /markets/{s}/indicators?limit=3` answers the last three values as a series over the whole
 * history gives them: the candles before the first one asked for are read as its warm-up.
 */
describe('indicator reads - warm-up before the first point', () => {
  let sql: Sql;
  let reads: MarketReads;
  const walk = randomWalkOhlcv(BARS, 7);

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    const events = createEventSource({ source: 'collector/test', clock: new ManualClock(T0) });
    const closed = Array.from({ length: BARS }, (_, i) =>
      events.create(MarketCandleClosed, {
        subject: 'BTC-USDT',
        data: {
          exchange: 'sim',
          symbol: 'BTC-USDT',
          interval: '1m',
          openTime: T0 + i * MINUTE,
          closeTime: T0 + (i + 1) * MINUTE,
          open: walk.open[i]!,
          high: walk.high[i]!,
          low: walk.low[i]!,
          close: walk.close[i]!,
          volume: walk.volume[i]!,
          quoteVolume: walk.volume[i]! * walk.close[i]!,
          trades: 1,
          incomplete: false,
          revision: 0,
          correction: false,
        },
      }),
    );
    await createCandleProjection({ sql }).apply(closed);
    const view = testMarketView(sql);
    reads = createMarketReads(view, ['BTC-USDT']);
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
  });

  const values = async (query: Record<string, unknown>) =>
    (await reads.indicator('BTC-USDT', { interval: '1m', ...query } as never)).points;

  it('a windowed indicator: the last three SMA(20) values equal the full series, none null', async () => {
    const points = await values({ name: 'sma', period: 20, limit: 3 });
    const full = sma(walk.close, 20);
    expect(points.map((p) => p.time)).toEqual([BARS - 3, BARS - 2, BARS - 1].map((i) => T0 + i * MINUTE));
    // A running sum: the same to the last few bits, whatever candle it started from.
    points.forEach((p, k) => expect(p.value).toBeCloseTo(full[BARS - 3 + k]!, 9));
  });

  it('recursive ones: RSI(14) and EMA(10) within 0.1 % of the full series for a range mid-history', async () => {
    const from = T0 + 200 * MINUTE;
    for (const [name, full] of [
      ['rsi', rsi(walk.close, 14)],
      ['ema', ema(walk.close, 10)],
    ] as const) {
      const points = await values({ name, period: name === 'rsi' ? 14 : 10, from, limit: 5 });
      expect(points.map((p) => p.time)).toEqual([200, 201, 202, 203, 204].map((i) => T0 + i * MINUTE));
      points.forEach((p, k) => expect(Math.abs(p.value! / full[200 + k]! - 1)).toBeLessThan(1e-3));
    }
  });

  it('budget - a read past the anonymous budget is refused unless the caller may read more', async () => {
    // 5,000 points of MACD 1,000/1,000 read 13,000 candles; GraphQL passes no budget: anonymous.
    const costly = { interval: '1m', name: 'macd', slow: 1000, signal: 1000, limit: 5000 } as never;
    await expect(reads.indicator('BTC-USDT', costly)).rejects.toMatchObject({
      code: 'MARKET_INDICATOR_TOO_COSTLY',
      details: { bars: 13_000, maxBars: 5_500 },
    });
    const answered = await reads.indicator('BTC-USDT', costly, Number.POSITIVE_INFINITY);
    expect(answered.points).toHaveLength(BARS);
  });

  it('at the start of history there is nothing to warm up with: the first values stay null', async () => {
    const points = await values({ name: 'sma', period: 20, from: T0, limit: 25 });
    expect(points.slice(0, 19).every((p) => p.value === null)).toBe(true);
    expect(points[19]!.value).toBeCloseTo(sma(walk.close, 20)[19]!, 9);
  });
});
