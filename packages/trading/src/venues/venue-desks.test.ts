/**
 * The order router while a portfolio is held for reconciliation: a person's order is refused with
 * `TRADING_RECONCILING` naming the portfolio, a strategy's is answered rejected (its run goes on),
 * cancels go through, and nothing reaches the venue.
 */
import { ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { Broker } from '../broker/broker.ts';
import type { OrderDesk } from '../broker/order-desk.ts';
import type { Order, PlaceOrderInput } from '../broker/order.ts';
import { Reconciler, type ReconcilerOptions } from '../reconcile/reconciler.ts';
import type { VenueBindings } from './venue-bindings.ts';
import { VenueDesks } from './venue-desks.ts';

function desks() {
  const placed: PlaceOrderInput[] = [];
  const updates: Order[] = [];
  const cancelled: string[] = [];
  const paper = {
    place: async (input: PlaceOrderInput) => {
      placed.push(input);
      return { ...input, status: 'new' } as unknown as Order;
    },
    applyUpdate: async (order: Order) => {
      updates.push(order);
      return order;
    },
    // Nothing was placed before: a held portfolio's order is new risk.
    known: async () => undefined,
    cancel: async (ref: { clientOrderId: string }) => {
      cancelled.push(ref.clientOrderId);
      return { status: 'cancelled' } as Order;
    },
  } as unknown as OrderDesk;
  const clock = new ManualClock(1_000);
  // Holding needs only the clock; a run is not started here.
  const reconciler = new Reconciler({ clock, logger: silentLogger } as unknown as ReconcilerOptions);
  const router = new VenueDesks({
    paper,
    bindings: { venueOf: async () => 'paper' } as unknown as VenueBindings,
    openBinance: () => Promise.reject(new Error('not bound')),
    streamsHere: () => false,
    logger: silentLogger,
    now: () => clock.now(),
    reconcile: { reconciler, paperBroker: {} as Broker },
  });
  return { router, reconciler, placed, updates, cancelled };
}

const request = (origin: PlaceOrderInput['origin']): PlaceOrderInput => ({
  portfolioId: 'p1',
  clientOrderId: 'c1',
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  quantity: 0.1,
  origin,
});

describe('venues - orders while a portfolio is held for reconciliation', () => {
  it("refuses a person's order with TRADING_RECONCILING naming the portfolio; cancels go through", async () => {
    const { router, reconciler, placed, cancelled } = desks();
    reconciler.hold('p1', 'reconnect');
    await expect(router.place(request({ kind: 'manual', userId: 'u1' }))).rejects.toMatchObject({
      code: 'TRADING_RECONCILING',
      details: { portfolioId: 'p1', trigger: 'reconnect' },
    });
    await router.cancel({ portfolioId: 'p1', symbol: 'BTC-USDT', clientOrderId: 'c0' });
    expect([placed, cancelled]).toEqual([[], ['c0']]);
    // Another portfolio is not held.
    await router.place({ ...request({ kind: 'manual', userId: 'u1' }), portfolioId: 'p2' });
    expect(placed).toHaveLength(1);
  });

  it("answers a strategy's order rejected, told as an update, never placed", async () => {
    const { router, reconciler, placed, updates } = desks();
    reconciler.hold('p1', 'gap');
    const origin = { kind: 'strategy', strategyId: 's1', version: 1, candleCloseTime: 60_000 } as const;
    const answer = await router.place(request(origin));
    expect(answer).toMatchObject({ status: 'rejected', rejectReason: 'venue_error', clientOrderId: 'c1' });
    expect(answer.detail).toContain('p1');
    expect(updates).toEqual([answer]);
    expect(placed).toEqual([]);
  });
});
