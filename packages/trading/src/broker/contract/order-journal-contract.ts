/**
 * @module The OrderJournal contract, run against the in-memory and the SQL journal. Cases use
 * fresh portfolio ids, so adapters may share one database across cases.
 */
import { describe, expect, it } from 'vitest';
import type { Broker } from '../broker.ts';
import { OrderDesk, type PortfolioRiskView } from '../order-desk.ts';
import type { OrderJournal } from '../order-journal.ts';
import { type Order, type PlaceOrderRequest, PlaceOrderRequestSchema } from '../order.ts';
import type { OrderLifecycleEvent } from '../order-transitions.ts';
import { RiskLimitsSchema } from '../../risk/risk-limits.ts';
import { KILL_SWITCH_OFF } from '../../risk/kill-switch.ts';

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

    it("lists a strategy's orders on candles from a time, in the order it placed them", async () => {
      const journal = await open();
      const p = portfolio();
      const origin = (strategyId: string, candleCloseTime: number) =>
        ({ kind: 'strategy', strategyId, version: 1, candleCloseTime }) as const;
      await journal.put(order(p, 'late', { origin: origin('s1', 3_000), status: 'filled' }));
      await journal.put(order(p, 'early', { origin: origin('s1', 2_000) }));
      await journal.put(order(p, 'before', { origin: origin('s1', 1_000) }));
      await journal.put(order(p, 'other', { origin: origin('s2', 2_000) }));
      await journal.put(order(p, 'manual', { origin: { kind: 'manual', userId: 'u' } }));
      await journal.put(order(portfolio(), 'elsewhere', { origin: origin('s1', 2_000) }));
      expect((await journal.ofStrategy(p, 's1', 2_000)).map((o) => o.clientOrderId)).toEqual([
        'early',
        'late',
      ]);
    });

    it('lists the orders whose id starts with a prefix, changed from a time, oldest change first', async () => {
      const journal = await open();
      const p = portfolio();
      const at = 1_763_800_000_000;
      await journal.put(order(p, 'halt-b-0-0', { updatedAt: at + 20 }));
      await journal.put(order(p, 'halt-a-0-0', { updatedAt: at + 10 }));
      await journal.put(order(p, 'halt-old-0-0', { updatedAt: at - 1 }));
      await journal.put(order(p, 'haltless', { updatedAt: at + 30 }));
      // like's wildcards in an id are not wildcards of the prefix
      await journal.put(order(p, 'halx_', { updatedAt: at + 30 }));
      await journal.put(order(portfolio(), 'halt-elsewhere', { updatedAt: at + 30 }));
      expect((await journal.withIdPrefix(p, 'halt-', at)).map((o) => o.clientOrderId)).toEqual([
        'halt-a-0-0',
        'halt-b-0-0',
      ]);
      expect(await journal.withIdPrefix(p, 'hal_', at)).toEqual([]);
    });

    it('lets exactly one of racing claims win; a rejection may be claimed again', async () => {
      const journal = await open();
      const p = portfolio();
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, i) => journal.claim(order(p, 'a', { createdAt: i, updatedAt: i }))),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins.indexOf(true);
      expect((await journal.get(p, 'a'))?.createdAt).toBe(winner);
      await journal.put(order(p, 'a', { status: 'filled', filledQuantity: 0.3, filledQuote: 0.09 }));
      expect(await journal.claim(order(p, 'a'))).toBe(false);
      expect((await journal.get(p, 'a'))?.status).toBe('filled');
      await journal.put(order(p, 'b', { status: 'rejected', rejectReason: 'risk_limit', detail: 'x' }));
      expect(await journal.claim(order(p, 'b'))).toBe(true);
      expect((await journal.get(p, 'b'))?.status).toBe('new');
    });

    it('answers many calls made at once each with its own row, text of any kind kept exactly', async () => {
      const journal = await open();
      const [p, q] = [portfolio(), portfolio()];
      const odd = 'quote " backslash \\ comma , braces {} brackets [] newline \n tab \t ✓ NULL';
      const many = Array.from({ length: 30 }, (_, i) =>
        order(i % 2 === 0 ? p : q, `o-${i}`, {
          status: 'rejected',
          rejectReason: 'venue_error',
          detail: `${odd} ${i}`,
        }),
      );
      await Promise.all(many.map((o) => journal.put(o)));
      const got = await Promise.all(many.map((o) => journal.get(o.portfolioId, o.clientOrderId)));
      expect(got).toEqual(many);
      // Claims at once: the rejected ones are free again, a new id is free, an id claimed twice
      // in the same breath wins once, and a filled one is taken.
      await journal.put(order(p, 'done', { status: 'filled', filledQuantity: 0.3, filledQuote: 0.09 }));
      const claims = [
        ...many.slice(0, 10).map((o) => order(o.portfolioId, o.clientOrderId)),
        order(q, 'fresh'),
        order(q, 'twice', { createdAt: 1 }),
        order(q, 'twice', { createdAt: 2 }),
        order(p, 'done'),
      ];
      const wins = await Promise.all(claims.map((c) => journal.claim(c)));
      expect(wins.slice(0, 11)).toEqual(Array.from({ length: 11 }, () => true));
      expect(wins.slice(11, 13).filter(Boolean)).toHaveLength(1);
      expect(wins[13]).toBe(false);
      const stored = await Promise.all(claims.map((c) => journal.get(c.portfolioId, c.clientOrderId)));
      expect(stored.slice(0, 11).map((o) => o?.status)).toEqual(Array.from({ length: 11 }, () => 'new'));
      expect(stored[13]?.status).toBe('filled');
      expect(await journal.get(p, 'missing')).toBeUndefined();
    });

    it('gives a claim back only while it is untouched', async () => {
      const journal = await open();
      const p = portfolio();
      const claim = order(p, 'a');
      expect(await journal.claim(claim)).toBe(true);
      await journal.release(claim);
      expect(await journal.get(p, 'a')).toBeUndefined();
      const again = order(p, 'a', { updatedAt: 1_763_800_000_300 });
      expect(await journal.claim(again)).toBe(true);
      const placed = order(p, 'a', { updatedAt: 1_763_800_000_400, venueOrderId: '78' });
      await journal.put(placed);
      await journal.release(again);
      expect(await journal.get(p, 'a')).toEqual(placed);
    });

    it('two desks racing on the same order id: one places and emits, the other sees it placed', async () => {
      const journal = await open();
      const p = portfolio();
      const placed: PlaceOrderRequest[] = [];
      const events: OrderLifecycleEvent[] = [];
      const desks = [0, 1].map(
        () =>
          new OrderDesk({
            broker: slowVenue(placed),
            journal,
            portfolios: flatPortfolio,
            clock: { now: () => 1_763_800_000_500, monotonic: () => performance.now() },
            emit: (e) => events.push(e),
          }),
      );
      const request = PlaceOrderRequestSchema.parse({
        portfolioId: p,
        clientOrderId: 'tl-s-2-1763800000000-1',
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'market',
        quantity: 1,
        origin: { kind: 'strategy', strategyId: 's', version: 2, candleCloseTime: 1_763_800_000_000 },
      });
      const answers = await Promise.all(desks.map((desk) => desk.place(request)));
      expect(placed).toHaveLength(1);
      expect(events.map((e) => e.type)).toEqual(['order.placed']);
      expect(answers.map((a) => a.clientOrderId)).toEqual([request.clientOrderId, request.clientOrderId]);
      expect(await journal.get(p, request.clientOrderId)).toMatchObject({
        status: 'new',
        venueOrderId: 'v1',
      });
    });
  });
}

const flatPortfolio: PortfolioRiskView = {
  riskSnapshot: async () => ({ positionQuantity: 0, markPrice: 100, dayStartEquity: 10_000, equity: 10_000 }),
  riskLimits: async () => RiskLimitsSchema.parse({}),
  killSwitch: async () => KILL_SWITCH_OFF,
};

/** A venue that records each place and answers after a pause, so racing desks overlap at it. */
function slowVenue(placed: PlaceOrderRequest[]): Broker {
  const unused = (): never => {
    throw new Error('not used by the contract');
  };
  return {
    venue: 'contract',
    place: async (request) => {
      placed.push(request);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { origin: _origin, ...rest } = request;
      return {
        ...rest,
        venueOrderId: 'v1',
        status: 'new',
        filledQuantity: 0,
        filledQuote: 0,
        fills: [],
        createdAt: 1_763_800_000_500,
        updatedAt: 1_763_800_000_500,
      };
    },
    cancel: unused,
    order: unused,
    openOrders: unused,
    balances: unused,
  };
}
