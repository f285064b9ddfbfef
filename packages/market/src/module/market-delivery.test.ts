import { silentLogger, type EventEnvelope } from '@tickline/kernel';
import { LatestStore } from '../latest/latest-store.ts';
import type { Trade } from '../port/market-message.ts';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { createMarketDelivery } from './market-delivery.ts';

const T0 = Date.now();

function envelope(type: string, data: unknown, id: string): EventEnvelope {
  return {
    specversion: '1.0',
    id,
    type,
    source: 'collector/test',
    subject: 'BTC-USDT',
    time: new Date(T0).toISOString(),
    seq: 1,
    partitionkey: 'BTC-USDT',
    dataschema: `${type}/v1`,
    data,
  };
}

const trade = (n: number): Trade => ({
  exchange: 'test',
  symbol: 'BTC-USDT',
  tradeId: String(n),
  price: 100 + n,
  size: 1,
  side: 'buy',
  exchangeTime: T0 + n,
  receivedAt: T0 + n,
});

function hubSpy() {
  const published: Array<{ channel: string; type: string; id: string; data: any }> = [];
  const sink = {
    publish: (channel: string, e: { id: string; type: string; data: unknown }) =>
      void published.push({ channel, ...e }),
    subscriberCount: () => 1,
  };
  return { published, sink };
}

describe('market delivery', () => {
  it('channels - trades and candles go to their symbol channels; the ticker is throttled', async () => {
    const { published, sink } = hubSpy();
    const latest = new LatestStore();
    const delivery = createMarketDelivery({ sink, latest, feedLatest: true, tickerIntervalMs: 20 });
    await delivery.ticker.start({ logger: silentLogger, fail: () => {} });
    try {
      const events = [1, 2, 3, 4, 5].map((n) => envelope('market.trade', trade(n), `t${n}`));
      events.push(
        envelope('market.candle.closed', { symbol: 'BTC-USDT', interval: '1m', openTime: T0 }, 'c1'),
      );
      delivery.deliver(events);
      const tickerCount = () => published.filter((p) => p.channel === 'market:BTC-USDT:ticker').length;
      await until(() => tickerCount() >= 1, { timeoutMs: 15_000, what: 'the throttled ticker' });
      // A later ticker round, proven by another symbol's ticker: BTC had no new trade, so none.
      delivery.deliver([envelope('market.trade', { ...trade(6), symbol: 'ETH-USDT' }, 'e6')]);
      await until(() => published.some((p) => p.channel === 'market:ETH-USDT:ticker'), {
        timeoutMs: 15_000,
        what: 'a later ticker round',
      });
      expect(published.filter((p) => p.channel === 'market:BTC-USDT:trades').map((p) => p.id)).toEqual([
        't1',
        't2',
        't3',
        't4',
        't5',
      ]);
      expect(published.filter((p) => p.channel === 'market:BTC-USDT:candles:1m').map((p) => p.id)).toEqual([
        'c1',
      ]);
      // Five trades, one ticker with the last of them; no new trade, no new ticker.
      const tickers = published.filter((p) => p.channel === 'market:BTC-USDT:ticker');
      expect(tickers).toHaveLength(1);
      expect(tickers[0]).toMatchObject({
        type: 'market.ticker',
        data: { symbol: 'BTC-USDT', last: 105, lastTrade: { price: 105 } },
      });
      expect(latest.get('BTC-USDT')!.lastTrade.tradeId).toBe('5');
    } finally {
      await delivery.ticker.stop();
    }
  });

  it('channels - live indicator values go to market:{symbol}:indicators:{interval}', async () => {
    const { published, sink } = hubSpy();
    const delivery = createMarketDelivery({
      sink,
      latest: new LatestStore(),
      feedLatest: true,
      tickerIntervalMs: 20,
    });
    const data = { symbol: 'BTC-USDT', interval: '5m', openTime: T0, closed: true, values: { sma: 101.5 } };
    delivery.deliver([envelope('market.indicators.updated', data, 'i1')]);
    expect(published).toEqual([
      { channel: 'market:BTC-USDT:indicators:5m', id: 'i1', type: 'market.indicators.updated', data },
    ]);
  });

  it('sources - status events are reported and every source’s status goes out on market:sources; the latest store is left alone when the collector feeds it', async () => {
    const { sink, published } = hubSpy();
    const latest = new LatestStore();
    const seen: string[] = [];
    const sources = [{ name: 'binance', exchange: 'binance', state: 'backing_off' as const, since: T0 }];
    const delivery = createMarketDelivery({
      sink,
      latest,
      feedLatest: false,
      tickerIntervalMs: 20,
      onSourceStatus: (s) => {
        seen.push(`${s.source}:${s.state}`);
        return sources;
      },
    });
    delivery.deliver([
      envelope(
        'market.source.status',
        { source: 'binance', exchange: 'binance', state: 'backing_off', at: T0 },
        's1',
      ),
      envelope('market.trade', trade(1), 't1'),
    ]);
    expect(seen).toEqual(['binance:backing_off']);
    expect(published[0]).toMatchObject({
      channel: 'market:sources',
      type: 'market.sources',
      data: { sources },
    });
    expect(latest.get('BTC-USDT')).toBeUndefined();
  });
});
