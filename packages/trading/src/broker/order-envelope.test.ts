import { createEventSource, decodeEvent, encodeEvent, EventRegistry, ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { OrderEvents } from './events.ts';
import { orderEnvelope, orderEventSourceName } from './order-envelope.ts';
import type { Order } from './order.ts';
import { orderTransitions } from './order-transitions.ts';

describe('order envelopes', () => {
  it('carry the portfolio as subject and partition key and survive the codec with validation', () => {
    const at = Date.UTC(2026, 10, 22, 9);
    const filled: Order = {
      portfolioId: 'p1',
      clientOrderId: 'sX',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 1,
      timeInForce: 'gtc',
      status: 'filled',
      filledQuantity: 1,
      filledQuote: 100,
      fills: [{ tradeId: '1', price: 100, quantity: 1, fee: 0.001, feeAsset: 'BTC', time: at }],
      origin: { kind: 'manual', userId: 'u1' },
      createdAt: at,
      updatedAt: at,
    };
    const source = createEventSource({ source: orderEventSourceName('paper'), clock: new ManualClock(at) });
    const envelopes = orderTransitions(undefined, filled, 'paper').map((e) => orderEnvelope(source, e));
    expect(envelopes.map((e) => [e.type, e.subject, e.partitionkey, e.source, e.seq])).toEqual([
      ['order.placed', 'p1', 'p1', 'broker/paper', 1],
      ['order.filled', 'p1', 'p1', 'broker/paper', 2],
    ]);
    const registry = new EventRegistry(OrderEvents);
    for (const envelope of envelopes) {
      expect(decodeEvent(encodeEvent(envelope), { registry })).toEqual(envelope);
    }
  });
});
