import { describe, expect, it } from 'vitest';
import type { Order, PlaceOrderInput } from '../broker/order.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import { closeLot } from './close-lot.ts';
import { createHaltService } from './halt-service.ts';
import { InMemoryHaltStore } from './halt-store.ts';

const BTC = { stepSize: 0.0001, minQty: 0.0001, minNotional: 5 };
const AT = Date.UTC(2026, 10, 27, 12);

describe('close lot - a flatten close on the venue lot step', () => {
  it('rounds a position bought with a base-asset fee down to the step; the rest is dust', () => {
    // 0.03 bought, 0.1 % commission taken in BTC: 0.02997, off a 0.0001 step
    expect(closeLot(0.02997, BTC, 60_000)).toEqual({ quantity: 0.0299, dust: 0.00007 });
  });

  it('keeps a quantity already on the step whole, float noise included', () => {
    expect(closeLot(0.03, BTC, 60_000)).toEqual({ quantity: 0.03, dust: 0 });
    expect(closeLot(0.1 + 0.2, { ...BTC, stepSize: 0.1 }, 60_000)).toEqual({ quantity: 0.3, dust: 0 });
  });

  it('sends nothing when the rounded close is under minQty or the minimum notional', () => {
    expect(closeLot(0.00009, BTC, 60_000)).toEqual({ quantity: 0, dust: 0.00009 });
    expect(closeLot(0.00008, { ...BTC, stepSize: 0.00001, minQty: 0.00001 }, 60_000)).toEqual({
      quantity: 0,
      dust: 0.00008,
    });
  });

  it('closes the whole position when the venue has no lot rules (paper)', () => {
    expect(closeLot(0.02997, undefined, 60_000)).toEqual({ quantity: 0.02997, dust: 0 });
  });
});

describe('halt service - flatten at a venue with a lot step', () => {
  function world(positions: Array<{ symbol: string; quantity: number; markPrice?: number }>) {
    const journal = new InMemoryOrderJournal();
    const placed: PlaceOrderInput[] = [];
    const halts = createHaltService({
      risk: {
        engageKillSwitch: async (_p, change) => ({
          [change.actor]: { by: change.by, at: change.at, reason: change.reason },
        }),
      },
      apply: async () => 0,
      desk: {
        // The venue fills a market close at 60 000 at once, as the Binance mock does.
        place: async (input) => {
          placed.push(input);
          const quantity = input.quantity;
          const order: Order = {
            portfolioId: input.portfolioId,
            clientOrderId: input.clientOrderId,
            symbol: input.symbol,
            side: input.side,
            type: 'market',
            quantity,
            timeInForce: 'gtc',
            status: 'filled',
            filledQuantity: quantity,
            filledQuote: quantity * 60_000,
            fills: [{ tradeId: 't1', price: 60_000, quantity, fee: 0, feeAsset: 'USDT', time: AT + 20 }],
            createdAt: AT + 10,
            updatedAt: AT + 20,
          };
          await journal.put(order);
          return order;
        },
      },
      positions: () => positions,
      lotOf: async (_p, symbol) => (symbol === 'BTC-USDT' ? BTC : undefined),
      journal,
      store: new InMemoryHaltStore(),
      now: () => AT + 100,
    });
    const engage = () =>
      halts.engage({
        portfolioIds: ['p1'],
        scope: 'portfolio',
        flatten: true,
        change: { actor: 'user', by: 'u1', at: AT, reason: 'stop' },
      });
    return { engage, placed };
  }

  it('sends the close on the step and the proof holds with the remainder as dust', async () => {
    const { engage, placed } = world([{ symbol: 'BTC-USDT', quantity: 0.02997, markPrice: 60_000 }]);
    const { portfolios } = await engage();
    expect(placed.map((p) => [p.symbol, p.side, p.quantity])).toEqual([['BTC-USDT', 'sell', 0.0299]]);
    const proof = portfolios[0]!.proof;
    expect(proof.problems).toEqual([]);
    expect(proof.halted).toBe(true);
    expect(proof.flat).toMatchObject({
      done: true,
      timeToFlatMs: 20,
      dust: [{ symbol: 'BTC-USDT', quantity: 0.00007 }],
    });
  });

  it('sends no order for a position all under the lot, and the proof still holds', async () => {
    const { engage, placed } = world([{ symbol: 'BTC-USDT', quantity: 0.00004, markPrice: 60_000 }]);
    const { portfolios } = await engage();
    expect(placed).toEqual([]);
    expect(portfolios[0]!.proof).toMatchObject({
      halted: true,
      flat: { done: true, closes: [], dust: [{ symbol: 'BTC-USDT', quantity: 0.00004 }] },
    });
  });
});
