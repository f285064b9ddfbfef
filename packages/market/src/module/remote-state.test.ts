import type { ChannelMessage } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createRemoteMarketState } from './remote-state.ts';

const trade = {
  exchange: 'sim',
  symbol: 'BTC-USDT',
  tradeId: 't-9',
  price: 101,
  size: 0.5,
  side: 'buy' as const,
  exchangeTime: 1_750_000_000_000,
  receivedAt: 1_750_000_000_001,
};
const stats24h = {
  open: 100,
  high: 102,
  low: 99,
  last: 101,
  volume: 3,
  quoteVolume: 300,
  trades: 3,
  change: 1,
  changePercent: 1,
};

function liveState(messages: Record<string, unknown>) {
  const reads: string[] = [];
  return {
    reads,
    latest: async (channel: string): Promise<ChannelMessage | undefined> => {
      reads.push(channel);
      const data = messages[channel];
      return data === undefined ? undefined : { id: 'm', type: 't', data };
    },
  };
}

describe('remote market state', () => {
  it('remote - a ticker comes from the newest ticker message, read once per period', async () => {
    const live = liveState({
      'market:BTC-USDT:ticker': { symbol: 'BTC-USDT', last: 101, stats24h, lastTrade: trade },
    });
    const state = createRemoteMarketState(live, 60_000);
    expect(await state.ticker('BTC-USDT')).toEqual({
      symbol: 'BTC-USDT',
      lastTrade: trade,
      stats24h,
      version: 0,
    });
    await state.ticker('BTC-USDT');
    expect(live.reads).toEqual(['market:BTC-USDT:ticker']);
    expect(await state.ticker('ETH-USDT')).toBeUndefined();
  });

  it('remote - sources come from the newest market:sources message; none is an empty list', async () => {
    const sources = [{ name: 'sim', exchange: 'sim', state: 'live', since: 1 }];
    expect(await createRemoteMarketState(liveState({ 'market:sources': { sources } }), 0).sources()).toEqual(
      sources,
    );
    expect(await createRemoteMarketState(liveState({}), 0).sources()).toEqual([]);
  });

  it('remote - a failed read is not kept', async () => {
    let fail = true;
    const state = createRemoteMarketState(
      {
        latest: async () => {
          if (fail) throw new Error('log away');
          return { id: 'm', type: 't', data: { sources: [] } };
        },
      },
      60_000,
    );
    await expect(state.sources()).rejects.toThrow('log away');
    fail = false;
    expect(await state.sources()).toEqual([]);
  });
});
