/**
 * @module The Broker contract: one suite, written once, run against every adapter (the paper
 * broker, and each live venue against its loopback mock). An adapter's test file calls
 * {@link runBrokerContract} with a factory for a fresh venue.
 */
import { dataschemaFor, EventRegistry } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker, OrderRef } from '../broker.ts';
import { strategyClientOrderId } from '../client-order-id.ts';
import { OrderEvents } from '../events.ts';
import { type Order, type PlaceOrderInput, PlaceOrderRequestSchema } from '../order.ts';
import { orderTransitions } from '../order-transitions.ts';

/** The market every factory sets up. */
export const CONTRACT_SYMBOL = 'BTC-USDT';
/** A symbol the venue does not list. */
export const CONTRACT_UNKNOWN_SYMBOL = 'NOPE-USDT';
/** BTC-USDT's last price at the start. */
export const CONTRACT_START_PRICE = 100;
/** USDT the portfolio holds at the start (and no BTC). */
export const CONTRACT_START_CASH = 10_000;

/** What a factory returns for one test. */
export interface BrokerContractSubject {
  broker: Broker;
  portfolioId: string;
  /** A trade on the venue at `price` for `quantity` units (unlimited when absent); resting orders it reaches fill. */
  trade(symbol: string, price: number, quantity?: number): Promise<void>;
  /** Releases everything the factory created. */
  cleanup?: () => Promise<void>;
}

export type BrokerContractCase =
  'market' | 'idempotent' | 'limit' | 'partial' | 'cancel' | 'stop' | 'rejections' | 'events';

/** Options for {@link runBrokerContract}. */
export interface BrokerContractOptions {
  /**
   * A fresh venue: BTC-USDT trading at 100 with quantities on a 0.001 grid and prices on 0.01, the
   * portfolio holding 10,000 USDT and no BTC; NOPE-USDT not listed. Called once per test.
   */
  create: () => Promise<BrokerContractSubject>;
  /** Skip named cases, each with the reason (printed in the test name). */
  skip?: Partial<Record<BrokerContractCase, string>>;
}

const registry = new EventRegistry(OrderEvents);
let counter = 0;

/** Registers the contract suite for one adapter. */
export function runBrokerContract(adapter: string, options: BrokerContractOptions): void {
  describe(`broker contract - ${adapter}`, () => {
    let subject: BrokerContractSubject | undefined;
    const open = async (): Promise<BrokerContractSubject> => (subject = await options.create());
    afterEach(async () => {
      await subject?.cleanup?.();
      subject = undefined;
    });
    const test = (name: BrokerContractCase, title: string, body: () => Promise<void>): void => {
      const reason = options.skip?.[name];
      if (reason) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body);
    };
    const request = (s: BrokerContractSubject, fields: Partial<PlaceOrderInput>) =>
      PlaceOrderRequestSchema.parse({
        portfolioId: s.portfolioId,
        clientOrderId: strategyClientOrderId({
          strategyId: `contract-${process.pid}`,
          version: 1,
          candleCloseTime: Date.now(),
          leg: ++counter,
        }),
        symbol: CONTRACT_SYMBOL,
        side: 'buy',
        type: 'market',
        quantity: 1,
        origin: { kind: 'strategy', strategyId: 'contract', version: 1, candleCloseTime: 0 },
        ...fields,
      });
    const refOf = (o: Order): OrderRef => ({
      portfolioId: o.portfolioId,
      symbol: o.symbol,
      clientOrderId: o.clientOrderId,
    });
    const current = async (s: BrokerContractSubject, o: Order): Promise<Order> => {
      const found = await s.broker.order(refOf(o));
      expect(found, `order ${o.clientOrderId} is known`).toBeDefined();
      return found!;
    };
    const free = async (s: BrokerContractSubject, asset: string): Promise<number> =>
      (await s.broker.balances(s.portfolioId)).find((b) => b.asset === asset)?.free ?? 0;

    test('market', 'a market buy fills at once near the last price', async () => {
      const s = await open();
      const order = await s.broker.place(request(s, { quantity: 1 }));
      expect(order.status).toBe('filled');
      expect(order.filledQuantity).toBeCloseTo(1, 9);
      const average = order.filledQuote / order.filledQuantity;
      expect(Math.abs(average - CONTRACT_START_PRICE) / CONTRACT_START_PRICE).toBeLessThan(0.05);
      expect(await free(s, 'BTC')).toBeGreaterThan(0.99);
      expect(await free(s, 'USDT')).toBeLessThan(CONTRACT_START_CASH - 95);
    });

    test('idempotent', 'placing the same client order id twice yields one order', async () => {
      const s = await open();
      const market = request(s, { quantity: 1 });
      const first = await s.broker.place(market);
      const again = await s.broker.place(market);
      expect(again.clientOrderId).toBe(first.clientOrderId);
      expect(again.status).toBe('filled');
      // One buy, not two: the BTC bought is about 1 (less the fee when charged in BTC).
      expect(await free(s, 'BTC')).toBeLessThan(1.01);
      const limit = request(s, { type: 'limit', price: 90, quantity: 1 });
      const resting = await s.broker.place(limit);
      const twice = await s.broker.place(limit);
      expect(twice.venueOrderId).toBe(resting.venueOrderId);
      expect(await s.broker.openOrders({ portfolioId: s.portfolioId })).toHaveLength(1);
    });

    test('limit', 'a limit buy rests until a trade reaches its price, then fills at it', async () => {
      const s = await open();
      const placed = await s.broker.place(request(s, { type: 'limit', price: 95, quantity: 1 }));
      expect(placed.status).toBe('new');
      expect(
        (await s.broker.openOrders({ portfolioId: s.portfolioId, symbol: CONTRACT_SYMBOL })).map(
          (o) => o.clientOrderId,
        ),
      ).toEqual([placed.clientOrderId]);
      await s.trade(CONTRACT_SYMBOL, 96);
      expect((await current(s, placed)).status).toBe('new');
      await s.trade(CONTRACT_SYMBOL, 95);
      const filled = await current(s, placed);
      expect(filled.status).toBe('filled');
      expect(filled.filledQuote / filled.filledQuantity).toBeLessThanOrEqual(95 + 1e-9);
      expect(filled.fills.reduce((sum, f) => sum + f.quantity, 0)).toBeCloseTo(1, 9);
      expect(await s.broker.openOrders({ portfolioId: s.portfolioId })).toEqual([]);
    });

    test('partial', 'a trade smaller than a resting order fills part of it', async () => {
      const s = await open();
      const placed = await s.broker.place(request(s, { type: 'limit', price: 95, quantity: 2 }));
      await s.trade(CONTRACT_SYMBOL, 95, 0.5);
      const half = await current(s, placed);
      expect(half.status).toBe('partially_filled');
      expect(half.filledQuantity).toBeCloseTo(0.5, 9);
      await s.trade(CONTRACT_SYMBOL, 94, 10);
      const done = await current(s, placed);
      expect(done.status).toBe('filled');
      expect(done.filledQuantity).toBeCloseTo(2, 9);
    });

    test(
      'cancel',
      'cancelling frees the held cash; cancelling again changes nothing; unknown ids are not found',
      async () => {
        const s = await open();
        const placed = await s.broker.place(request(s, { type: 'limit', price: 90, quantity: 10 }));
        expect(await free(s, 'USDT')).toBeLessThan(CONTRACT_START_CASH - 899);
        const cancelled = await s.broker.cancel(refOf(placed));
        expect(cancelled.status).toBe('cancelled');
        expect(cancelled.clientOrderId).toBe(placed.clientOrderId);
        expect(await s.broker.openOrders({ portfolioId: s.portfolioId })).toEqual([]);
        expect(await free(s, 'USDT')).toBeCloseTo(CONTRACT_START_CASH, 6);
        expect((await s.broker.cancel(refOf(placed))).status).toBe('cancelled');
        await s.trade(CONTRACT_SYMBOL, 80);
        expect((await current(s, placed)).status).toBe('cancelled');
        const unknown = {
          portfolioId: s.portfolioId,
          symbol: CONTRACT_SYMBOL,
          clientOrderId: 'never-placed',
        };
        await expect(s.broker.cancel(unknown)).rejects.toMatchObject({
          code: 'STRATEGY_BROKER_ORDER_NOT_FOUND',
        });
        expect(await s.broker.order(unknown)).toBeUndefined();
      },
    );

    test('stop', 'a stop sell waits for a trade through its price', async () => {
      const s = await open();
      await s.broker.place(request(s, { quantity: 1 }));
      const held = await free(s, 'BTC');
      const stop = await s.broker.place(
        request(s, { side: 'sell', type: 'stop', price: 90, quantity: Math.floor(held * 1000) / 1000 }),
      );
      expect(stop.status).toBe('new');
      await s.trade(CONTRACT_SYMBOL, 95);
      expect((await current(s, stop)).status).toBe('new');
      await s.trade(CONTRACT_SYMBOL, 89);
      const done = await current(s, stop);
      expect(done.status).toBe('filled');
      expect(done.filledQuote / done.filledQuantity).toBeLessThanOrEqual(90);
    });

    test(
      'rejections',
      'unknown symbols and missing funds are rejected with their reason, changing nothing',
      async () => {
        const s = await open();
        const unknown = await s.broker.place(request(s, { symbol: CONTRACT_UNKNOWN_SYMBOL }));
        expect(unknown).toMatchObject({ status: 'rejected', rejectReason: 'unknown_symbol' });
        const tooBig = await s.broker.place(request(s, { quantity: 1_000 }));
        expect(tooBig).toMatchObject({ status: 'rejected', rejectReason: 'insufficient_funds' });
        const nothingToSell = await s.broker.place(request(s, { side: 'sell', quantity: 1 }));
        expect(nothingToSell).toMatchObject({ status: 'rejected', rejectReason: 'insufficient_funds' });
        expect(await free(s, 'USDT')).toBeCloseTo(CONTRACT_START_CASH, 6);
        expect(await s.broker.openOrders({ portfolioId: s.portfolioId })).toEqual([]);
      },
    );

    test('events', "the snapshots of an order's life make valid lifecycle events", async () => {
      const s = await open();
      const snapshots: Order[] = [
        await s.broker.place(request(s, { type: 'limit', price: 95, quantity: 2 })),
      ];
      await s.trade(CONTRACT_SYMBOL, 95, 1);
      snapshots.push(await current(s, snapshots[0]!));
      snapshots.push(await s.broker.cancel(refOf(snapshots[0]!)));
      const events = snapshots.flatMap((next, i) => orderTransitions(snapshots[i - 1], next, s.broker.venue));
      expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.filled', 'order.cancelled']);
      for (const e of events) registry.validate(e.type, dataschemaFor(e.type, 1), e.data);
      expect(events[1]).toMatchObject({ data: { partial: true, filledQuantity: 1, remainingQuantity: 1 } });
    });
  });
}
