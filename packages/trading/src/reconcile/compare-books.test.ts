import { describe, expect, it } from 'vitest';
import type { Order } from '../broker/order.ts';
import { restingOrder } from '../testing/orders.test-support.ts';
import { balanceDifferences, bookHoldings, orderDifferences } from './compare-books.ts';

const order = restingOrder;

describe('reconcile - comparing the books with the venue', () => {
  it('names each order the venue changed, holds alone, or does not know; agreeing ones are not listed', () => {
    const working = [order('same'), order('filled'), order('gone')];
    const atVenue = new Map<string, Order | undefined>([
      ['same', order('same')],
      ['filled', order('filled', { status: 'filled', filledQuantity: 0.1 })],
      ['gone', undefined],
    ]);
    const venueOpen = [order('same'), order('outside', { symbol: 'ETH-USDT' })];
    expect(orderDifferences(working, atVenue, venueOpen)).toEqual([
      {
        kind: 'order_changed',
        clientOrderId: 'filled',
        symbol: 'BTC-USDT',
        books: { status: 'new', filledQuantity: 0 },
        venue: { status: 'filled', filledQuantity: 0.1 },
      },
      {
        kind: 'order_missing',
        clientOrderId: 'gone',
        symbol: 'BTC-USDT',
        books: { status: 'new', filledQuantity: 0 },
      },
      {
        kind: 'order_unknown',
        clientOrderId: 'outside',
        symbol: 'ETH-USDT',
        venue: { status: 'new', filledQuantity: 0 },
      },
    ]);
  });

  it("compares the books' cash and base assets with the venue's free + locked, within float noise", () => {
    const held = bookHoldings(9_897.9, 'USDT', [
      { symbol: 'BTC-USDT', quantity: 0.3 },
      { symbol: 'ETH-USDT', quantity: 0 },
    ]);
    expect([...held]).toEqual([
      ['USDT', 9_897.9],
      ['BTC', 0.3],
      ['ETH', 0],
    ]);
    const venue = [
      { asset: 'USDT', free: 10_000, locked: 147.9 },
      // 0.1 + 0.2: float noise, not a difference.
      { asset: 'BTC', free: 0.1, locked: 0.2 },
      // Never booked here: not compared.
      { asset: 'BNB', free: 3, locked: 0 },
    ];
    const differences = balanceDifferences(held, venue);
    expect(differences).toEqual([
      { kind: 'balance', asset: 'USDT', books: 9_897.9, venue: 10_147.9, delta: expect.closeTo(250, 9) },
    ]);
    // An asset the venue no longer reports (omitted at zero) is a difference too.
    expect(balanceDifferences(new Map([['ETH', 2]]), [])).toEqual([
      { kind: 'balance', asset: 'ETH', books: 2, venue: 0, delta: -2 },
    ]);
  });
});
