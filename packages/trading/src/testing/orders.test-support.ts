/**
 * @module A resting limit buy of BTC-USDT at 90, as tests of the books, the journal and the
 * reconciler start from; each test overrides what it is about.
 */
import type { Order } from '../broker/order.ts';

/** A working limit order `clientOrderId` of portfolio `p1`, nothing filled; `over` replaces fields. */
export function restingOrder(clientOrderId: string, over: Partial<Order> = {}): Order {
  return {
    portfolioId: 'p1',
    clientOrderId,
    venueOrderId: `v-${clientOrderId}`,
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'limit',
    quantity: 0.1,
    price: 90,
    timeInForce: 'gtc',
    status: 'new',
    filledQuantity: 0,
    filledQuote: 0,
    fills: [],
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}
