import type { ChannelMessage, EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { tradingDelivery } from './trading-delivery.ts';

const USER = '0190f0c2-1111-7000-8000-000000000001';

function envelope(type: string, subject: string, data: unknown): EventEnvelope {
  return { id: `e-${type}`, type, subject, data, source: 's', time: '2026-01-01T00:00:00Z' } as EventEnvelope;
}

describe('trading delivery', () => {
  const delivered: Array<[string, ChannelMessage]> = [];
  const handler = tradingDelivery.create({
    publish: (channel, message) => delivered.push([channel, message]),
    subscriberCount: () => 0,
  });

  it('reads order, signal, pause and portfolio events, and no backtest event', () => {
    for (const type of [
      'order.placed',
      'order.filled',
      'order.cancelled',
      'order.rejected',
      'strategy.signal',
      'strategy.live.paused',
      'portfolio.order.filled',
    ])
      expect(tradingDelivery.eventTypes).toContain(type);
    expect(tradingDelivery.eventTypes).not.toContain('backtest.completed');
  });

  it("sends each to its owner's user channel, and signals to the strategy's channel too", async () => {
    delivered.length = 0;
    await handler.deliver(
      [
        envelope('order.filled', USER, { portfolioId: USER, clientOrderId: 'c1' }),
        envelope('strategy.signal', 's1', { userId: USER, strategyId: 's1' }),
        envelope('strategy.live.paused', 'r1', { userId: USER, strategyId: 's1' }),
        envelope('portfolio.order.filled', USER, { userId: USER, portfolioId: USER }),
      ],
      undefined as never,
    );
    expect(delivered.map(([channel, m]) => `${m.type} → ${channel}`)).toEqual([
      `order.filled → user:${USER}`,
      `strategy.signal → user:${USER}`,
      'strategy.signal → strategy:s1:signals',
      `strategy.live.paused → user:${USER}`,
      `portfolio.order.filled → user:${USER}`,
    ]);
  });
});
