/**
 * Network sources through the collector, with faults injected at the venues: what reaches the
 * publisher has no duplicate trade, candles around a gap are flagged incomplete, and one venue
 * whose circuit opens leaves the other venue and the collector running.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle, Trade } from '../../port/market-message.ts';
import { createMarketCollector } from '../../collector/collector.ts';
import { createSource, parseSourceConfig, sourceSubscription } from '../registry.ts';
import { BinanceMock } from '../testing/binance-mock.ts';
import { FAST_RESILIENCE, testServiceContext } from '../testing/harness.ts';
import { UpbitMock } from '../testing/upbit-mock.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

/** Resolves when `published` holds an event `match` accepts. */
const publishedOne = (published: EventEnvelope[], match: (e: EventEnvelope) => boolean) =>
  until(() => published.some(match), 'a matching event published');

const tradeOf = (e: EventEnvelope): Trade => e.data as Trade;
const isTrade = (exchange: string, id?: string) => (e: EventEnvelope) =>
  e.type === 'market.trade' &&
  tradeOf(e).exchange === exchange &&
  (id === undefined || tradeOf(e).tradeId === id);

describe('network sources through the collector', () => {
  it('faults - no duplicate trade is published, gaps flag candles, a dead venue leaves the other running', async () => {
    const binance = await new BinanceMock().listen();
    const upbit = await new UpbitMock().listen();
    cleanup.push(
      () => binance.close(),
      () => upbit.close(),
    );
    const { random, backoff, breaker } = FAST_RESILIENCE;
    const deps = { random };
    const sources = [
      parseSourceConfig({
        kind: 'binance',
        symbols: ['BTC-USDT'],
        url: binance.wsUrl,
        restUrl: binance.restUrl,
        backoff,
        breaker,
      }),
      parseSourceConfig({
        kind: 'upbit',
        symbols: ['BTC-KRW'],
        url: upbit.wsUrl,
        restUrl: upbit.restUrl,
        backoff,
        breaker,
      }),
    ].map((config) => ({ source: createSource(config, deps), symbols: sourceSubscription(config).symbols }));
    const published: EventEnvelope[] = [];
    const collector = createMarketCollector({
      sources,
      publish: () => (event) => void published.push(event),
      candles: { intervals: ['1s'] },
    });
    const binanceSubscribed = binance.nextMessage((t) => t.includes('SUBSCRIBE'));
    const upbitSubscribed = upbit.nextMessage((t) => t.startsWith('['));
    await collector.start(testServiceContext);
    cleanup.push(() => collector.stop());
    await Promise.all([binanceSubscribed, upbitSubscribed]);

    const t0 = Date.now();
    const bn = (t: number, dt: number) => binance.trade('BTCUSDT', { t, p: '65000', q: '0.1', T: t0 + dt });
    const ub = (sid: number, dt: number) =>
      upbit.trade('KRW-BTC', {
        sequential_id: sid,
        trade_price: 9.5e7,
        trade_volume: 0.01,
        ask_bid: 'BID',
        trade_timestamp: t0 + dt,
      });

    // Duplicates and a drop: the reconnect replays trade 3.
    bn(1, 0);
    bn(2, 1);
    bn(2, 1);
    bn(3, 2);
    ub(100, 0);
    await publishedOne(published, isTrade('binance', '3'));
    const again = binance.nextConnection();
    binance.dropAll();
    const conn = await again;
    if (!conn.received.some((t) => t.includes('SUBSCRIBE'))) {
      await binance.nextMessage((t) => t.includes('SUBSCRIBE'), conn);
    }
    bn(3, 2);
    // Trade ids 4 and 5 never arrive: a gap.
    bn(6, 1_500);
    ub(101, 10);
    await publishedOne(published, isTrade('binance', '6'));

    const binanceIds = published.filter(isTrade('binance')).map((e) => tradeOf(e).tradeId);
    expect(binanceIds).toEqual(['1', '2', '3', '6']);
    const candles = published
      .filter((e) => e.type.startsWith('market.candle') && (e.data as Candle).exchange === 'binance')
      .map((e) => e.data as Candle);
    expect(candles.some((c) => c.incomplete)).toBe(true);

    // Binance now refuses every connection: its circuit opens; Upbit carries on.
    binance.refuseNext(1_000);
    binance.dropAll();
    await publishedOne(
      published,
      (e) => e.type === 'market.source.status' && (e.data as { state: string }).state === 'failed',
    );
    for (let i = 0; i < 5; i++) ub(102 + i, 20 + i);
    await publishedOne(published, isTrade('upbit', '106'));
    const upbitIds = published.filter(isTrade('upbit')).map((e) => tradeOf(e).tradeId);
    expect(upbitIds).toEqual(['100', '101', '102', '103', '104', '105', '106']);
    const reports = Object.fromEntries(collector.sources().map((r) => [r.exchange, r.state]));
    expect(reports).toEqual({ binance: 'failed', upbit: 'live' });
  });
});
