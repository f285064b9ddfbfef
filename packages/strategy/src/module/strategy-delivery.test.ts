import type { ChannelMessage, EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { strategyDelivery } from './strategy-delivery.ts';

const USER = '0190f0c2-1111-7000-8000-000000000001';

function envelope(type: string, subject: string, data: unknown): EventEnvelope {
  return { id: `e-${type}`, type, subject, data, source: 's', time: '2026-01-01T00:00:00Z' } as EventEnvelope;
}

describe('strategy delivery', () => {
  it('reads backtest, research and history-download events only (live runs are the trading delivery)', () => {
    expect([...strategyDelivery.eventTypes].sort()).toEqual([
      'backtest.completed',
      'backtest.progress',
      'history.download.completed',
      'history.download.progress',
      'research.completed',
      'research.progress',
    ]);
  });

  it("sends each to its owner's user channel", async () => {
    const delivered: Array<[string, ChannelMessage]> = [];
    const handler = strategyDelivery.create({
      publish: (channel, message) => delivered.push([channel, message]),
      subscriberCount: () => 0,
    });
    await handler.deliver(
      [
        envelope('backtest.progress', USER, { backtestId: 'b', progress: 0.5 }),
        envelope('backtest.completed', USER, { backtestId: 'b' }),
      ],
      undefined as never,
    );
    expect(delivered.map(([channel, m]) => `${m.type} → ${channel}`)).toEqual([
      `backtest.progress → user:${USER}`,
      `backtest.completed → user:${USER}`,
    ]);
  });
});
