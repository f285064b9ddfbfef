import { createEventSource, defineEvent, type EventEnvelope, ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrderDesk } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import type { OrderFilledData } from '../broker/events.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { LedgerRiskView } from './ledger-risk-view.ts';
import { CorePortfolioLedger } from './portfolio-ledger.ts';
import { storeOutboxEvents } from '../broker/sql/order-event-outbox.ts';
import { PortfolioOrderFilled } from '../live/live-events.ts';
import { createPortfolioProjection, PORTFOLIO_PROJECTION_CONSUMER } from './portfolio-projection.ts';

// The account component's event, by type only (it lives in another package).
const Snapshot = defineEvent({ type: 'account.snapshot.generated', description: 'test', schema: z.any() });
const Candle = defineEvent({ type: 'market.candle.closed', description: 'test', schema: z.any() });

const P = '5b6f7a9e-8c1d-4f2a-9b3e-1a2b3c4d5e6f';
const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];

/** A seeded walk of candles and a stream of paper orders: the event log of one portfolio. */
async function tape(): Promise<EventEnvelope[]> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 22));
  const events: EventEnvelope[] = [];
  const accounts = createEventSource({ source: 'accounts', clock });
  events.push(
    accounts.create(Snapshot, {
      subject: P,
      data: { accountId: P, tier: 'free', currency: 'USD', cash: '10000.00', positions: [], generatedAt: '' },
    }),
  );
  const books = new CorePortfolioLedger();
  books.open(P, 10_000, []);
  const last = new Map<string, number>([
    ['BTC-USDT', 100],
    ['ETH-USDT', 50],
  ]);
  const broker = createPaperBroker({
    fillModel: coreFillModel({ makerFee: 0.001, takerFee: 0.002, slippage: { kind: 'bps', bps: 3 } }),
    ledger: books,
    symbols: new Set(SYMBOLS),
    lastPrice: (s) => last.get(s),
    marketFill: 'next-bar',
    now: () => clock.now(),
  });
  const source = createEventSource({ source: orderEventSourceName('paper'), clock });
  const desk = new OrderDesk({
    broker,
    journal: new InMemoryOrderJournal(),
    portfolios: new LedgerRiskView(books, RiskLimitsSchema.parse({}), (s) => last.get(s)),
    clock,
    emit: (e) => {
      if (e.type === 'order.filled') books.applyFill(e.data);
      events.push(orderEnvelope(source, e));
    },
  });
  const candles = createEventSource({ source: 'market', clock });
  let seed = 7;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let i = 0; i < 240; i++) {
    clock.advance(60_000);
    for (const symbol of SYMBOLS) {
      const open = last.get(symbol)!;
      const close = open * (1 + (random() - 0.5) * 0.02);
      const high = Math.max(open, close) * (1 + random() * 0.004);
      const low = Math.min(open, close) * (1 - random() * 0.004);
      const time = clock.now();
      for (const order of await broker.onBar({
        symbol,
        interval: '1m',
        open,
        high,
        low,
        close,
        volume: Infinity,
        time,
      }))
        await desk.applyUpdate(order);
      last.set(symbol, close);
      books.mark(symbol, close, time);
      events.push(
        candles.create(Candle, {
          subject: symbol,
          data: { symbol, close, closeTime: time, openTime: time - 60_000, interval: '1m', open, high, low },
        }),
      );
      const r = random();
      const held = books.position(P, symbol)?.quantity ?? 0;
      const common = {
        portfolioId: P,
        clientOrderId: `o${i}${symbol}`,
        symbol,
        origin: { kind: 'manual', userId: 'u' },
      } as const;
      if (r < 0.15) await desk.place({ ...common, side: 'buy', type: 'market', quantity: 5 });
      else if (r < 0.25)
        await desk.place({ ...common, side: 'buy', type: 'limit', price: close * 0.995, quantity: 3 });
      else if (r < 0.4 && held > 0)
        await desk.place({ ...common, side: 'sell', type: 'market', quantity: held / 2 });
      else if (r < 0.45 && held > 0)
        await desk.place({ ...common, side: 'sell', type: 'stop', price: close * 0.99, quantity: held / 3 });
    }
  }
  return events;
}

describe('portfolio projection (PGlite)', () => {
  const database = tradingDatabase();

  it('the tables equal a replay of the order events, also when batches are redelivered', async () => {
    const events = await tape();
    const fills = events.filter((e) => e.type === 'order.filled');
    expect(fills.length).toBeGreaterThan(20);
    const projection = createPortfolioProjection(database.sql);
    // Uneven batches, each delivered twice: the second delivery must change nothing.
    for (let i = 0; i < events.length;) {
      const n = 1 + (i % 13);
      const batch = events.slice(i, i + n);
      await projection.apply(batch);
      expect((await projection.apply(batch)).projected).toBe(0);
      i += n;
    }
    const replay = new CorePortfolioLedger();
    replay.open(P, 10_000, []);
    for (const e of events) {
      if (e.type === 'order.filled') replay.applyFill(e.data as OrderFilledData);
      if (e.type === 'market.candle.closed') {
        const c = e.data as { symbol: string; close: number; closeTime: number };
        replay.mark(c.symbol, c.close, c.closeTime);
      }
    }
    const [row] = (
      await database.sql.query<{ cash: number; equity: number; fills: number }>(
        'select cash, equity, fills from portfolios where portfolio_id = $1',
        [P],
      )
    ).rows;
    expect(Number(row!.cash)).toBe(replay.cash(P));
    expect(Number(row!.equity)).toBeCloseTo(replay.equity(P), 9);
    expect(Number(row!.fills)).toBe(fills.length);
    const positions = (
      await database.sql.query<Record<string, number | string>>(
        'select symbol, quantity, average_price, mark_price, realized_pnl, unrealized_pnl, fees from portfolio_positions where portfolio_id = $1 order by symbol',
        [P],
      )
    ).rows;
    expect(positions.map((p) => p.symbol)).toEqual(SYMBOLS);
    for (const p of positions) {
      const want = replay.position(P, String(p.symbol))!;
      expect(Number(p.quantity)).toBe(want.quantity);
      expect(Number(p.average_price)).toBe(want.averagePrice);
      expect(Number(p.mark_price)).toBe(want.markPrice);
      expect(Number(p.realized_pnl)).toBeCloseTo(want.realizedPnl, 9);
      expect(Number(p.unrealized_pnl)).toBeCloseTo(want.unrealizedPnl, 9);
      expect(Number(p.fees)).toBeCloseTo(want.fees, 9);
    }
    const history = await database.sql.query<{ n: string }>(
      'select count(*) as n from portfolio_equity where portfolio_id = $1',
      [P],
    );
    expect(Number(history.rows[0]!.n)).toBeGreaterThan(100);
  }, 120_000);

  it('claims the events it books, not the candles it passes over', async () => {
    const market = createEventSource({ source: 'market', clock: new ManualClock(Date.UTC(2026, 0, 3)) });
    const candle = (interval: string) =>
      market.create(Candle, {
        subject: 'BTC-USDT',
        data: { symbol: 'BTC-USDT', interval, close: 101, closeTime: Date.UTC(2026, 0, 3), openTime: 0 },
      });
    const [second, minute] = [candle('1s'), candle('1m')];
    const projection = createPortfolioProjection(database.sql, 'strategy.portfolios.claims');
    await projection.apply([second, minute]);
    const { rows } = await database.sql.query<{ event_id: string }>(
      "select event_id from processed_events where consumer = 'strategy.portfolios.claims'",
    );
    expect(rows.map((r) => r.event_id)).toEqual([minute.id]);
  });
});

describe('portfolio projection - the fills it books are told from its transaction (PGlite)', () => {
  // A database of its own: the tape's portfolio is booked afresh.
  const database = tradingDatabase();

  it('each booked fill is told once, with the figures after it, written with the booking; a failed batch tells nothing', async () => {
    const events = await tape();
    const fills = events.filter((e) => e.type === 'order.filled');
    const notices = createEventSource({
      source: 'strategy/portfolio',
      clock: new ManualClock(Date.UTC(2026, 0, 2)),
    });
    const told: EventEnvelope[] = [];
    let failNext = false;
    const projection = createPortfolioProjection(database.sql, PORTFOLIO_PROJECTION_CONSUMER, {
      notice: ({ fill, cash, equity }) =>
        notices.create(PortfolioOrderFilled, {
          subject: fill.portfolioId,
          data: {
            portfolioId: fill.portfolioId,
            userId: fill.portfolioId,
            orderId: fill.clientOrderId,
            symbol: fill.symbol,
            side: fill.side,
            quantity: fill.fill.quantity,
            price: fill.fill.price,
            fee: fill.fill.fee,
            partial: fill.partial,
            cash,
            equity,
            at: fill.fill.time,
          },
        }),
      store: async (tx, made) => {
        await storeOutboxEvents(tx, made);
        // The booking's transaction fails after the notices were written: both go.
        if (failNext) {
          failNext = false;
          throw new Error('the transaction fails after the notices were written');
        }
      },
      committed: (made) => told.push(...made),
    });
    let failed = 0;
    for (let i = 0; i < events.length;) {
      const batch = events.slice(i, i + 7);
      if (failed === 0 && batch.some((e) => e.type === 'order.filled')) {
        failNext = true;
        await expect(projection.apply(batch)).rejects.toThrow('the transaction fails');
        failed++;
        expect(told).toEqual([]);
        expect((await database.sql.query('select 1 from broker_order_events')).rows).toEqual([]);
      }
      await projection.handle(batch, {});
      // Delivered again: booked already, told already.
      await projection.handle(batch, {});
      i += 7;
    }
    expect(failed).toBe(1);

    // One notice per fill, in order, each with the cash the books had right after that fill.
    const replay = new CorePortfolioLedger();
    replay.open(P, 10_000, []);
    const expected: Array<[string, number]> = [];
    for (const e of events) {
      if (e.type === 'market.candle.closed') {
        const c = e.data as { symbol: string; close: number; closeTime: number };
        replay.mark(c.symbol, c.close, c.closeTime);
      }
      if (e.type !== 'order.filled') continue;
      const d = e.data as OrderFilledData;
      replay.applyFill(d);
      expected.push([d.clientOrderId, replay.cash(P)]);
    }
    expect(
      told.map((n) => [(n.data as { orderId: string }).orderId, (n.data as { cash: number }).cash]),
    ).toEqual(expected);
    expect(told).toHaveLength(fills.length);
    // Written with the booking: the outbox holds every one, to publish or re-send at the next start.
    const rows = await database.sql.query<{ id: string }>(
      `select event_id::text as id from broker_order_events where type = 'portfolio.order.filled' order by event_id`,
    );
    expect(rows.rows.map((r) => r.id)).toEqual(told.map((n) => n.id));
  }, 120_000);
});
