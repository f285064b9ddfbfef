import { createEventSource, defineEvent, ManualClock } from '@tickline/kernel';
import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { compactEquityHistory } from './equity-compaction.ts';
import { createPortfolioProjection } from './portfolio-projection.ts';

const Snapshot = defineEvent({ type: 'account.snapshot.generated', description: 'test', schema: z.any() });
const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 24);

describe('equity history (PGlite)', () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForTrading(sql);
  }, 60_000);
  afterAll(() => sql?.close());

  const count = async (p: string, from = 0, to = Infinity) =>
    Number(
      (
        await sql.query<{ n: string }>(
          'select count(*) as n from portfolio_equity where portfolio_id = $1 and at_ms >= $2 and at_ms < $3',
          [p, from, Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER],
        )
      ).rows[0]!.n,
    );

  it('one point a minute for a held symbol, from one-minute candles only', async () => {
    const P = 'held-1';
    const clock = new ManualClock(NOW);
    const source = createEventSource({ source: 'test', clock });
    const events = [
      source.create(Snapshot, {
        subject: P,
        data: {
          accountId: P,
          currency: 'USDT',
          cash: '1000',
          positions: [{ symbol: 'BTC-USDT', quantity: '1', averagePrice: '100' }],
        },
      }),
    ];
    // Ten minutes of 1 s candles and their 1 m candles.
    for (let s = 1; s <= 600; s++) {
      const closeTime = NOW + s * 1_000;
      events.push(
        source.create(Candle, {
          subject: 'BTC-USDT',
          data: { symbol: 'BTC-USDT', interval: '1s', close: 100 + s / 100, closeTime },
        }),
      );
      if (s % 60 === 0)
        events.push(
          source.create(Candle, {
            subject: 'BTC-USDT',
            data: { symbol: 'BTC-USDT', interval: '1m', close: 100 + s / 100, closeTime },
          }),
        );
    }
    // Batches as a consumer gets them: a second's candles at a time.
    const projection = createPortfolioProjection(sql);
    for (let i = 0; i < events.length; i += 7) await projection.apply(events.slice(i, i + 7));
    // The opening point and one per closed minute, not 600.
    expect(await count(P)).toBe(11);
    const last = await sql.query<{ equity: number }>(
      'select equity from portfolio_equity where portfolio_id = $1 order by at_ms desc limit 1',
      [P],
    );
    expect(Number(last.rows[0]!.equity)).toBeCloseTo(1000 + 106, 9);
  });

  it('compaction thins points with age, keeps the last of each bucket, and bounds a year to ~2,900 rows', async () => {
    const P = 'old-1';
    await sql.query(
      `insert into portfolios (portfolio_id, currency, opening_cash, cash, equity, day_start_equity, day, fills, opened_at, updated_at)
       values ($1, 'USDT', 1000, 1000, 1000, 1000, null, 0, now(), now())`,
      [P],
    );
    // A point every minute for 400 days (576,000 rows), in slices.
    const total = 400 * 24 * 60;
    for (let i = 0; i < total; i += 20_000) {
      await sql.query(
        `insert into portfolio_equity (portfolio_id, at_ms, equity, cash)
         select $1, $2::bigint - g::bigint * 60000, g, 1000 from generate_series($3::int, $4::int) g`,
        [P, NOW, i, Math.min(total, i + 20_000) - 1],
      );
    }
    expect(await compactEquityHistory(sql, NOW)).toBeGreaterThan(500_000);
    // Every minute of the last day, both ends included.
    expect(await count(P, NOW - DAY)).toBe(1_441);
    expect(await count(P, NOW - 7 * DAY, NOW - DAY)).toBe(6 * 96);
    expect(await count(P, NOW - 31 * DAY, NOW - 7 * DAY)).toBe(24 * 24);
    expect(await count(P, 0, NOW - 31 * DAY)).toBeLessThanOrEqual(366 - 31 + 1);
    expect(await count(P)).toBeLessThan(2_950);
    // The kept point of a bucket is its last: the figure at the bucket's end.
    const hour = await sql.query<{ at_ms: string }>(
      'select at_ms from portfolio_equity where portfolio_id = $1 and at_ms < $2 and at_ms >= $3',
      [P, NOW - 10 * DAY, NOW - 10 * DAY - 60 * MINUTE],
    );
    expect(hour.rows.map((r) => Number(r.at_ms) % (60 * MINUTE))).toEqual([59 * MINUTE]);
    // A second pass finds nothing to do.
    expect(await compactEquityHistory(sql, NOW)).toBe(0);
    // Ten minutes on, a pass that starts from the last one thins only what crossed a tier since.
    for (let m = 1; m <= 10; m++)
      await sql.query(
        'insert into portfolio_equity (portfolio_id, at_ms, equity, cash) values ($1, $2, 1, 1)',
        [P, NOW + m * MINUTE],
      );
    const later = NOW + 10 * MINUTE;
    expect(await compactEquityHistory(sql, later, NOW)).toBeGreaterThan(0);
    // …and leaves nothing a full pass would have deleted.
    expect(await compactEquityHistory(sql, later)).toBe(0);
    expect(await count(P, later - DAY)).toBe(1_441);
  }, 300_000);
});
