import { createInMemoryEventLog } from '@tickline/eventlog';
import {
  createEventSource,
  defineEvent,
  encodeEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tradingDatabase } from '../testing/trading-database.ts';
import {
  randomWalkFeed,
  resolveBacktestSettings,
  type StrategyDefinition,
} from '@tickline/strategy/internal';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { sweepBookedFills, unbookedFills } from '../broker/sql/order-event-outbox.ts';
import { PORTFOLIO_PROJECTION_CONSUMER } from '../portfolio/portfolio-projection.ts';
import { openingSnapshot } from '../testing/account-snapshots.ts';
import { createLiveHost } from './live-host.ts';

const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });
const P = '0b6f7a9e-8c1d-4f2a-9b3e-1a2b3c4d5e6f';

/** Buys 1 every 10th candle and sells it 5 candles later. */
const alternating: StrategyDefinition = {
  onCandle(ctx) {
    const i = ctx.feed.index;
    if (i % 10 === 0) ctx.buy({ qty: 1 });
    if (i % 10 === 5 && ctx.position().qty > 0) ctx.closePosition();
  },
};

/** A log, a clock and the events both tests publish; `hostOn` makes a process's live host. */
function liveWorld(sql: Sql) {
  const log = createInMemoryEventLog({ name: 'main' });
  const append = (events: EventEnvelope[]) =>
    log.append(events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const settings = resolveBacktestSettings({ startingCapital: 10_000 });
  const source = createEventSource({ source: 'test', clock });
  return {
    log,
    append,
    settings,
    hostOn: (publish: (e: EventEnvelope) => void) =>
      createLiveHost({
        eventLog: log,
        publish,
        sql,
        clock,
        member: 'm1',
        symbols: new Set(['BTC-USDT']),
        settings,
        risk: RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }),
        load: async () => alternating,
        history: async () => [],
      }),
    /** Opens `accountId`'s paper account with 10,000 of cash. */
    openAccount: (accountId: string) => append([openingSnapshot(source, accountId)]),
    /** `count` closed one-minute BTC-USDT candles of a seeded random walk. */
    candles: (count: number, seed: number) => {
      const c = randomWalkFeed('BTC-USDT', '1m', 60_000, count, seed).columns;
      return append(
        Array.from(c.close, (close, i) =>
          source.create(Candle, {
            subject: 'BTC-USDT',
            data: {
              symbol: 'BTC-USDT',
              interval: '1m',
              openTime: c.openTime[i],
              closeTime: c.closeTime[i],
              open: c.open[i],
              high: c.high[i],
              low: c.low[i],
              close,
              volume: c.volume[i],
              correction: false,
              incomplete: false,
            },
          }),
        ),
      );
    },
    /** The run `id` of `alternating` on `portfolioId`. */
    spec: (id: string, portfolioId: string) => ({
      id,
      strategyId: `s-${id}`,
      version: 1,
      userId: `u-${id}`,
      portfolioId,
      params: {},
      feeds: [{ symbol: 'BTC-USDT', interval: '1m' as const }],
      settings,
      warmupBars: 0,
    }),
  };
}

describe('live host (in-memory log, PGlite)', () => {
  const database = tradingDatabase();

  it("a start knows each symbol's last stored close: a market order before any live candle is placed, not refused", async () => {
    const world = liveWorld(database.sql);
    const stored = { openTime: 0, closeTime: 60_000, open: 100, high: 101, low: 99, close: 100.5, volume: 1 };
    const host = createLiveHost({
      eventLog: world.log,
      publish: () => undefined,
      sql: database.sql,
      clock: new ManualClock(Date.UTC(2026, 0, 1)),
      member: 'm-prices',
      symbols: new Set(['BTC-USDT', 'ETH-USDT']),
      settings: world.settings,
      risk: RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }),
      load: async () => alternating,
      // A 1-minute candle of BTC-USDT is stored; ETH-USDT has none.
      history: async (symbol, interval) => (symbol === 'BTC-USDT' && interval === '1m' ? [stored] : []),
    });
    await host.loadBooks();
    host.books.open('prices', 10_000, []);
    const order = (symbol: string) =>
      host.paper.place({
        portfolioId: 'prices',
        clientOrderId: `first-${symbol}`,
        symbol,
        side: 'buy',
        type: 'market',
        quantity: 0.01,
        timeInForce: 'gtc',
        origin: { kind: 'manual', userId: 'prices' },
      });
    expect(await order('BTC-USDT')).toMatchObject({ status: 'new' });
    // No stored close, no live one: refused as before, saying so.
    expect(await order('ETH-USDT')).toMatchObject({
      status: 'rejected',
      detail: 'no price for ETH-USDT yet',
    });
  });

  it('runs a strategy on candles from the log; the portfolio tables follow its fills', async () => {
    const world = liveWorld(database.sql);
    const host = world.hostOn((e) => void world.append([e]));
    await world.openAccount(P);
    expect(await host.loadBooks()).toBe(0);
    for (const s of host.services)
      await s.start({ logger: silentLogger, fail: (e) => expect.fail(String(e)) });
    try {
      await host.services[1]!.idle();
      await host.runner.enable(world.spec('r1', P));
      await world.candles(60, 9);
      const deadline = Date.now() + 60_000;
      for (;;) {
        await host.services[0]!.idle();
        await host.services[1]!.idle();
        const { rows } = await database.sql.query<{ fills: number; cash: number }>(
          'select fills, cash from portfolios where portfolio_id = $1',
          [P],
        );
        if (Number(rows[0]?.fills) >= 12 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const { rows } = await database.sql.query<{ fills: number; cash: number }>(
        'select fills, cash from portfolios where portfolio_id = $1',
        [P],
      );
      // 6 buys (candles 0, 10, …, 50) and 6 sells (5, …, 55), each filled on the next candle.
      expect(Number(rows[0]!.fills)).toBe(12);
      expect(Number(rows[0]!.cash)).toBe(host.books.cash(P));
      expect(host.runner.status('r1')).toMatchObject({ state: 'running', candles: 60, signals: 12 });
    } finally {
      for (const s of host.services) await s.stop();
    }
  }, 120_000);

  it('a process killed before the log had its fills: the next one opens its books with them, and the log gets them once', async () => {
    const world = liveWorld(database.sql);
    // The first process's order events never leave its publisher's queue: it dies with them.
    const first = world.hostOn((e) => {
      if (!e.type.startsWith('order.')) void world.append([e]);
    });
    const Q = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    await world.openAccount(Q);
    await first.loadBooks();
    for (const s of first.services)
      await s.start({ logger: silentLogger, fail: (e) => expect.fail(String(e)) });
    const fills = async () => {
      const { rows } = await database.sql.query<{ fills: number; cash: number }>(
        'select fills, cash from portfolios where portfolio_id = $1',
        [Q],
      );
      return { fills: Number(rows[0]?.fills), cash: Number(rows[0]?.cash) };
    };
    try {
      await first.services[1]!.idle();
      await first.runner.enable(world.spec('r2', Q));
      await world.candles(20, 11);
      const deadline = Date.now() + 60_000;
      while (first.runner.status('r2')?.candles !== 20 && Date.now() < deadline) {
        await first.services[0]!.idle();
        await new Promise((r) => setTimeout(r, 20));
      }
      await first.services[1]!.idle();
    } finally {
      for (const s of first.services) await s.stop();
    }
    // Candles 0 and 10 bought, 5 and 15 sold: four fills, none of which reached the log.
    expect(first.runner.status('r2')).toMatchObject({ candles: 20, signals: 4 });
    expect(first.books.dayState(Q)?.fills).toBe(4);
    expect(await fills()).toEqual({ fills: 0, cash: 10_000 });

    const second = world.hostOn((e) => void world.append([e]));
    await second.loadBooks();
    // Opened from the portfolio tables and the fills the projection has not booked.
    expect(second.books.cash(Q)).toBe(first.books.cash(Q));
    expect(second.books.dayState(Q)?.fills).toBe(4);
    const services = [second.orderOutbox, ...second.services];
    for (const s of services) await s.start({ logger: silentLogger, fail: (e) => expect.fail(String(e)) });
    try {
      const deadline = Date.now() + 60_000;
      while ((await fills()).fills < 4 && Date.now() < deadline) {
        await second.services[1]!.idle();
        await new Promise((r) => setTimeout(r, 20));
      }
      // The re-sent fills booked once, in SQL as in memory; the outbox empty once the log had them.
      expect(await fills()).toEqual({ fills: 4, cash: first.books.cash(Q) });
      expect(second.books.dayState(Q)?.fills).toBe(4);
      const filled = (await world.log.read({ from: 0, limit: 10_000 })).filter(
        (r) => r.type === 'order.filled' && r.key === Q,
      );
      expect(filled).toHaveLength(4);
      // Booked: none left for a start to add, and the sweep empties the outbox.
      expect(await unbookedFills(database.sql, PORTFOLIO_PROJECTION_CONSUMER)).toEqual([]);
      await until(
        async () =>
          (await sweepBookedFills(database.sql, PORTFOLIO_PROJECTION_CONSUMER)) >= 0 &&
          (await database.sql.query('select 1 from broker_order_events where portfolio_id = $1', [Q])).rows
            .length === 0,
        {
          what: 'the booked fills swept',
          timeoutMs: 30_000,
        },
      );
    } finally {
      for (const s of services) await s.stop();
    }
  }, 120_000);
});
