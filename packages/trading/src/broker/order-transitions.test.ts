import { EventRegistry, dataschemaFor } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { OrderEvents } from './events.ts';
import type { Order } from './order.ts';
import { orderTransitions } from './order-transitions.ts';

const t0 = Date.UTC(2026, 10, 22, 9);
const base: Order = {
  portfolioId: 'p1',
  clientOrderId: 'sabc',
  venueOrderId: '42',
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'limit',
  quantity: 2,
  price: 100,
  timeInForce: 'gtc',
  status: 'new',
  filledQuantity: 0,
  filledQuote: 0,
  fills: [],
  origin: { kind: 'strategy', strategyId: 's1', version: 3, candleCloseTime: t0 },
  createdAt: t0,
  updatedAt: t0,
};
const fill = (tradeId: string, price: number, quantity: number) => ({
  tradeId,
  price,
  quantity,
  fee: 0.001,
  feeAsset: 'BTC',
  time: t0 + 1,
});
const registry = new EventRegistry(OrderEvents);
const valid = (events: ReturnType<typeof orderTransitions>) =>
  events.every((e) => registry.validate(e.type, dataschemaFor(e.type, 1), e.data) !== undefined);

describe('order transitions - from snapshots to events', () => {
  it('a new resting order is placed, then filled in two parts', () => {
    const placed = orderTransitions(undefined, base, 'paper');
    expect(placed.map((e) => e.type)).toEqual(['order.placed']);
    const half = {
      ...base,
      status: 'partially_filled' as const,
      filledQuantity: 1,
      filledQuote: 99,
      fills: [fill('t1', 99, 1)],
    };
    const partial = orderTransitions(base, half, 'paper');
    expect(partial).toMatchObject([
      {
        type: 'order.filled',
        data: { partial: true, filledQuantity: 1, remainingQuantity: 1, averagePrice: 99 },
      },
    ]);
    const done = {
      ...half,
      status: 'filled' as const,
      filledQuantity: 2,
      filledQuote: 199,
      fills: [...half.fills, fill('t2', 100, 1)],
    };
    expect(orderTransitions(half, done, 'paper')).toMatchObject([
      {
        type: 'order.filled',
        data: {
          partial: false,
          filledQuantity: 2,
          remainingQuantity: 0,
          averagePrice: 99.5,
          fill: { tradeId: 't2' },
        },
      },
    ]);
    expect(orderTransitions(done, done, 'paper')).toEqual([]);
    expect(valid([...placed, ...partial])).toBe(true);
  });

  it('a market order seen first as filled yields placed then one filled per execution', () => {
    const filled = {
      ...base,
      type: 'market' as const,
      status: 'filled' as const,
      filledQuantity: 2,
      filledQuote: 201,
      fills: [fill('a', 100, 1), fill('b', 101, 1)],
    };
    const { price: _none, ...market } = filled;
    const events = orderTransitions(undefined, market, 'binance-spot');
    expect(events.map((e) => [e.type, e.type === 'order.filled' ? e.data.partial : null])).toEqual([
      ['order.placed', null],
      ['order.filled', true],
      ['order.filled', false],
    ]);
    expect(valid(events)).toBe(true);
  });

  it('a venue that reports totals only gets one synthetic fill for the increase', () => {
    const next = { ...base, status: 'partially_filled' as const, filledQuantity: 0.5, filledQuote: 49.5 };
    const [event] = orderTransitions(base, next, 'binance-spot');
    expect(event).toMatchObject({
      type: 'order.filled',
      data: { fill: { tradeId: 'sabc@0.5', price: 99, quantity: 0.5 } },
    });
  });

  it('a cancel after a partial fill keeps the filled quantity; a rejection is one event', () => {
    const half = {
      ...base,
      status: 'partially_filled' as const,
      filledQuantity: 1,
      filledQuote: 99,
      fills: [fill('t1', 99, 1)],
    };
    const cancelled = { ...half, status: 'cancelled' as const, updatedAt: t0 + 5 };
    expect(orderTransitions(half, cancelled, 'paper')).toMatchObject([
      { type: 'order.cancelled', data: { filledQuantity: 1, cancelledAt: t0 + 5 } },
    ]);
    expect(orderTransitions(cancelled, cancelled, 'paper')).toEqual([]);
    const rejected = {
      ...base,
      status: 'rejected' as const,
      rejectReason: 'insufficient_funds' as const,
      detail: 'no cash',
    };
    const events = orderTransitions(undefined, rejected, 'paper');
    expect(events).toMatchObject([
      { type: 'order.rejected', data: { reason: 'insufficient_funds', detail: 'no cash' } },
    ]);
    expect(valid(events)).toBe(true);
  });
});
