/**
 * @module The OrderJournal contract, run against the in-memory and the SQL journal. Cases use
 * fresh portfolio ids, so adapters may share one database across cases.
 */
import { describe, expect, it } from 'vitest';
import type { OrderJournal } from '../order-journal.ts';
import type { Order } from '../order.ts';

let counter = 0;

/** Registers the contract suite for one journal. */
export function runOrderJournalContract(adapter: string, open: () => Promise<OrderJournal>): void {
  describe(`order journal contract - ${adapter}`, () => {
    const portfolio = (): string => `p-${process.pid}-${++counter}`;
    const order = (portfolioId: string, clientOrderId: string, fields: Partial<Order> = {}): Order => ({
      portfolioId,
      clientOrderId,
      venueOrderId: '77',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      quantity: 0.3,
      price: 0.1 + 0.2,
      timeInForce: 'gtc',
      status: 'new',
      filledQuantity: 0,
      filledQuote: 0,
      fills: [],
      origin: { kind: 'strategy', strategyId: 's', version: 2, candleCloseTime: 1_763_800_000_000 },
      createdAt: 1_763_800_000_123,
      updatedAt: 1_763_800_000_123,
      ...fields,
    });

    it('returns nothing for an unknown id, and a stored snapshot exactly', async () => {
      const journal = await open();
      const p = portfolio();
      expect(await journal.get(p, 'a')).toBeUndefined();
      const stored = order(p, 'a', {
        status: 'partially_filled',
        filledQuantity: 0.1,
        filledQuote: 0.030000000000000002,
        fills: [
          {
            tradeId: '9',
            price: 0.30000000000000004,
            quantity: 0.1,
            fee: 0.0001,
            feeAsset: 'BTC',
            time: 1_763_800_000_500,
          },
        ],
      });
      await journal.put(stored);
      expect(await journal.get(p, 'a')).toEqual(stored);
      expect(await journal.get(portfolio(), 'a')).toBeUndefined();
    });

    it('keeps the latest snapshot and lists only working orders, per portfolio', async () => {
      const journal = await open();
      const [p, q] = [portfolio(), portfolio()];
      await journal.put(order(p, 'a'));
      await journal.put(order(p, 'b', { updatedAt: 1_763_800_000_200 }));
      await journal.put(order(p, 'c', { status: 'filled', filledQuantity: 0.3, filledQuote: 0.09 }));
      await journal.put(order(q, 'd'));
      await journal.put(order(p, 'a', { status: 'cancelled', updatedAt: 1_763_800_000_900 }));
      expect((await journal.get(p, 'a'))?.status).toBe('cancelled');
      expect((await journal.working(p)).map((o) => o.clientOrderId)).toEqual(['b']);
      // Without a portfolio: every portfolio's working orders (other cases may share the store).
      const all = (await journal.working()).filter((o) => o.portfolioId === p || o.portfolioId === q);
      expect(all.map((o) => o.clientOrderId).sort()).toEqual(['b', 'd']);
    });
  });
}
