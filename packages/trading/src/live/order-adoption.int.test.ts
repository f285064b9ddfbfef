/**
 * Paper orders outlive their process (real PostgreSQL): a resting limit order placed on one live
 * host is held again by the host that restarts under the same name, and fills on its next candle;
 * a claim left by a host that died before the venue saw the order is placed by the host that takes
 * it over, once; of two hosts taking the same orphan over at once, one does; a live holder's
 * orders are left alone.
 */
import { createInMemoryEventLog } from '@tickline/eventlog';
import { type EventEnvelope, ManualClock } from '@tickline/kernel';
import { createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Order } from '../broker/order.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { resolveBacktestSettings } from '@tickline/strategy/internal';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { createLiveHost, type LiveHost } from './live-host.ts';

const postgres = providedPostgres(inject);
const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe.skipIf(!postgres.url)(`paper order adoption (postgres) ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    sql = await createPostgresSql({
      url: await createDatabase(postgres.url!, 'order_adoption'),
      poolSize: 4,
    });
    await migrateForTrading(sql);
  }, 60_000);
  afterAll(() => sql?.close());

  /** A live host as a runner process makes it, publishing into `events`. */
  async function host(member: string, events: EventEnvelope[]): Promise<LiveHost> {
    const made = createLiveHost({
      eventLog: createInMemoryEventLog({ name: `main-${member}` }),
      publish: (e) => void events.push(e),
      sql,
      clock,
      member,
      symbols: new Set([SYMBOL]),
      settings: resolveBacktestSettings({ startingCapital: 10_000 }),
      risk: RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }),
      load: async () => ({ onCandle() {} }),
      history: async () => [],
    });
    await made.loadBooks();
    return made;
  }

  async function portfolio(): Promise<string> {
    const id = crypto.randomUUID();
    await sql.query(
      `insert into portfolios (portfolio_id, currency, opening_cash, cash, equity, day_start_equity, day, fills, opened_at, updated_at)
       values ($1, 'USD', 10000, 10000, 10000, 10000, null, 0, now(), now())`,
      [id],
    );
    return id;
  }

  const candle = (i: number, low: number) => ({
    symbol: SYMBOL,
    interval: '1m',
    openTime: T0 + i * MINUTE,
    closeTime: T0 + (i + 1) * MINUTE,
    open: 100,
    high: 101,
    low,
    close: 100,
    volume: 10,
  });
  const row = async (p: string, id: string) =>
    (
      await sql.query<{ status: string; holder: string | null; snapshot: Order }>(
        'select status, holder, snapshot from broker_orders where portfolio_id = $1 and client_order_id = $2',
        [p, id],
      )
    ).rows[0];
  const ofOrder = (events: EventEnvelope[], type: string, id: string) =>
    events.filter((e) => e.type === type && (e.data as { clientOrderId: string }).clientOrderId === id);

  it('restart - a resting limit placed before the process died is held again and fills on the next candle', async () => {
    const p = await portfolio();
    const before: EventEnvelope[] = [];
    const first = await host('runner-a', before);
    const placed = await first.desk.place({
      portfolioId: p,
      clientOrderId: 'limit-1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      quantity: 2,
      price: 90,
      origin: { kind: 'manual', userId: p },
    });
    expect(placed.status).toBe('new');
    // A bar that does not reach the limit: it rests.
    await first.runner.onCandle(candle(0, 95));
    expect((await row(p, 'limit-1'))!).toMatchObject({ status: 'new', holder: 'runner-a' });
    // The process dies (nothing stopped, nothing handed over); it restarts under the same name.
    const after: EventEnvelope[] = [];
    const restarted = await host('runner-a', after);
    // While runner-b is alive its orders stay with it; runner-a's own are orphans to runner-a.
    expect(await restarted.adoptOrphans(['runner-a', 'runner-b'])).toMatchObject({ adopted: 1 });
    expect(await restarted.desk.sync(p)).toBe(0);
    await restarted.runner.onCandle(candle(1, 85));
    const filled = ofOrder(after, 'order.filled', 'limit-1');
    expect(filled).toHaveLength(1);
    expect(filled[0]!.data).toMatchObject({ fill: { price: 90, quantity: 2 }, partial: false });
    expect(ofOrder(after, 'order.placed', 'limit-1')).toHaveLength(0);
    expect((await row(p, 'limit-1'))!.status).toBe('filled');
    expect(restarted.books.cash(p)).toBeLessThan(10_000 - 180);
    // Adopting again finds nothing: the order is final.
    expect(await restarted.adoptOrphans(['runner-a'])).toMatchObject({ adopted: 0, resubmitted: 0 });
  });

  it('claim - an order claimed by a process that died before the venue saw it is placed once by the one that takes it over', async () => {
    const p = await portfolio();
    const dead: EventEnvelope[] = [];
    const dying = await host('runner-c', dead);
    // The venue never answers: the process is killed between its claim and the venue.
    dying.paper.place = () => new Promise<Order>(() => undefined);
    void dying.desk.place({
      portfolioId: p,
      clientOrderId: 'strategy-1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'market',
      quantity: 1,
      origin: { kind: 'strategy', strategyId: 's1', version: 1, candleCloseTime: T0 + MINUTE },
    });
    await until(async () => (await row(p, 'strategy-1')) !== undefined, { what: 'the claim' });
    expect((await row(p, 'strategy-1'))!).toMatchObject({ status: 'new', holder: 'runner-c' });
    expect((await row(p, 'strategy-1'))!.snapshot.venueOrderId).toBeUndefined();
    expect(dead).toHaveLength(0);

    // Two live processes find the orphan at once: one takes it over and places it.
    const d: EventEnvelope[] = [];
    const e: EventEnvelope[] = [];
    const [hd, he] = [await host('runner-d', d), await host('runner-e', e)];
    // Both have seen the market (a market order needs a last price at the paper venue).
    for (const h of [hd, he]) await h.runner.onCandle(candle(1, 99));
    expect(await hd.adoptOrphans(['runner-c', 'runner-d'])).toMatchObject({ resubmitted: 0 });
    const live = ['runner-d', 'runner-e'];
    const results = await Promise.all([hd.adoptOrphans(live), he.adoptOrphans(live)]);
    expect(results.map((r) => r.resubmitted).sort()).toEqual([0, 1]);
    const [taker, events] = results[0].resubmitted === 1 ? [hd, d] : [he, e];
    expect([...d, ...e].filter((x) => x.type === 'order.placed')).toHaveLength(1);
    const stored = (await row(p, 'strategy-1'))!;
    expect(stored.snapshot.venueOrderId).toBeDefined();
    expect(stored.holder).toBe(taker === hd ? 'runner-d' : 'runner-e');
    // A strategy's market order fills at the next bar's open, on the taker's venue.
    await taker.runner.onCandle(candle(2, 99));
    expect(ofOrder(events, 'order.filled', 'strategy-1')).toHaveLength(1);
    expect((await row(p, 'strategy-1'))!.status).toBe('filled');
    // And it is not placed again by anyone.
    expect(await hd.adoptOrphans(live)).toMatchObject({ resubmitted: 0, adopted: 0 });
    expect(await he.adoptOrphans(live)).toMatchObject({ resubmitted: 0, adopted: 0 });
  });
});
