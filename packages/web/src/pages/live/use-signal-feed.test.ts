import { describe, expect, it } from 'vitest';
import type { LiveSignal } from '@tickline/client';
import { mergeSignals } from './use-signal-feed.ts';

const signal = (id: string, at: number, side: 'buy' | 'sell' = 'buy'): LiveSignal => ({
  strategyId: 's1',
  version: 1,
  userId: 'u1',
  portfolioId: 'u1',
  candleCloseTime: at,
  clientOrderId: id,
  symbol: 'BTC-USDT',
  side,
  type: 'market',
  quantity: 0.01,
  reason: 'cross up',
});

describe('signal feed', () => {
  it('signal feed - newest candle first, one row per client order id, arrivals stay marked new', () => {
    const feed = mergeSignals(
      [signal('a', 1_000), signal('b', 3_000)],
      [signal('b', 3_000), signal('c', 2_000)],
    );
    expect(feed.map((s) => [s.clientOrderId, s.live])).toEqual([
      ['b', true],
      ['c', true],
      ['a', false],
    ]);
  });

  it('signal feed - keeps the newest `limit` signals', () => {
    const read = Array.from({ length: 10 }, (_, i) => signal(`r${i}`, i * 60_000));
    expect(mergeSignals(read, [], 3).map((s) => s.clientOrderId)).toEqual(['r9', 'r8', 'r7']);
  });
});
