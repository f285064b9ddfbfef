import { createInMemoryEventLog } from '@tickline/eventlog';
import {
  createEventSource,
  encodeEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { OrderFilled, type OrderFilledData } from '../broker/events.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { createPortfolioProjection } from '../portfolio/portfolio-projection.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { AccountSnapshotGenerated } from '../accounts/account-events.ts';
import { createBooksFollower } from './books-follower.ts';

const P = '7c6f7a9e-8c1d-4f2a-9b3e-1a2b3c4d5e6f';
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
const accounts = createEventSource({ source: 'accounts', clock });
const orders = createEventSource({ source: 'broker/paper', clock });

function fill(n: number, quantity: number, price: number): EventEnvelope {
  const data: OrderFilledData = {
    portfolioId: P,
    clientOrderId: `o${n}`,
    venue: 'paper',
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'market',
    quantity,
    timeInForce: 'gtc',
    fill: { tradeId: `t${n}`, price, quantity, fee: 0, feeAsset: 'USDT', time: clock.now() },
    filledQuantity: quantity,
    remainingQuantity: 0,
    averagePrice: price,
    partial: false,
  };
  return orders.create(OrderFilled, { subject: P, data });
}

describe('books follower (in-memory log, PGlite)', () => {
  const database = tradingDatabase();

  it('books follower - an account opened and filled by another process reaches these books once SQL has it', async () => {
    const log = createInMemoryEventLog({ name: 'main' });
    const append = (events: EventEnvelope[]) =>
      log.append(
        events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
      );
    const books = new CorePortfolioLedger();
    const services = createBooksFollower({
      eventLog: log,
      sql: database.sql,
      books,
      member: 'b',
      catchUpIntervalMs: 20,
    });
    for (const service of services)
      await service.start({ logger: silentLogger, fail: (error) => expect.fail(String(error)) });
    const projection = createPortfolioProjection(database.sql);
    try {
      const opened = accounts.create(AccountSnapshotGenerated, {
        subject: P,
        data: {
          accountId: P,
          tier: 'free',
          currency: 'USDT',
          cash: '10000.00',
          positions: [],
          generatedAt: '',
        },
      });
      await append([opened]);
      // Opened at once, from the log, before the projection (another process) ran.
      await until(() => books.has(P), { timeoutMs: 30_000 });
      expect(books.cash(P)).toBe(10_000);

      // Two fills another process booked: on the log, not yet in SQL — the books wait.
      const fills = [fill(1, 2, 100), fill(2, 1, 110)];
      await append(fills);
      await services[0].idle();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(books.cash(P)).toBe(10_000);
      // The projection books the first: still waiting for the second.
      await projection.apply([opened, fills[0]!]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(books.cash(P)).toBe(10_000);
      await projection.apply([fills[1]!]);
      await until(() => books.cash(P) === 10_000 - 200 - 110, {
        timeoutMs: 30_000,
        what: 'the books caught up',
      });
      expect(books.position(P, 'BTC-USDT')?.quantity).toBe(3);

      // A fill of this process's own, booked here at once and not yet in SQL, is kept.
      const own = fill(3, 1, 120);
      books.applyFill(own.data as OrderFilledData);
      const other = fill(4, 1, 90);
      await append([own, other]);
      await projection.apply([other]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(books.position(P, 'BTC-USDT')?.quantity).toBe(4);
      await projection.apply([own]);
      await until(() => books.position(P, 'BTC-USDT')?.quantity === 5, {
        timeoutMs: 30_000,
        what: 'both the own fill and the other process’s',
      });
      expect(books.cash(P)).toBe(10_000 - 200 - 110 - 120 - 90);
    } finally {
      for (const service of services) await service.stop();
    }
  });
});
