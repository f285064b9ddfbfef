import { EventRegistry } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { MARKET_EVENTS, MarketCandleClosed, MarketSourceStatus, MarketTrade } from './events.ts';

const trade = {
  exchange: 'binance',
  symbol: 'BTC-USDT',
  tradeId: '1',
  price: 67000,
  size: 0.1,
  side: 'buy',
  exchangeTime: 1710460800000,
  receivedAt: 1710460800010,
};

describe('market events', () => {
  it('registry - all six types register and carry their dataschema', () => {
    const registry = new EventRegistry(MARKET_EVENTS);
    expect(MARKET_EVENTS.map((d) => d.type)).toEqual([
      'market.trade',
      'market.candle.updated',
      'market.candle.closed',
      'market.history.changed',
      'market.source.status',
      'market.indicators.updated',
    ]);
    expect(registry).toBeDefined();
  });

  it('schemas - accept valid data and refuse what validation would reject', () => {
    expect(MarketTrade.schema.safeParse(trade).success).toBe(true);
    expect(MarketTrade.schema.safeParse({ ...trade, price: 0 }).success).toBe(false);
    expect(MarketTrade.schema.safeParse({ ...trade, symbol: 'btcusdt' }).success).toBe(false);
    // A share's trade (Alpaca, KIS) is a market.trade like a pair's.
    for (const symbol of ['AAPL.US', 'BRK.B.US', '005930.KS'])
      expect(MarketTrade.schema.safeParse({ ...trade, exchange: 'alpaca', symbol }).success, symbol).toBe(
        true,
      );
    expect(MarketTrade.schema.safeParse({ ...trade, symbol: 'aapl.us' }).success).toBe(false);
    const candle = {
      exchange: 'binance',
      symbol: 'BTC-USDT',
      interval: '1m',
      openTime: 0,
      closeTime: 60_000,
      open: 1,
      high: 2,
      low: 1,
      close: 2,
      volume: 3,
      quoteVolume: 5,
      trades: 2,
      incomplete: false,
      revision: 0,
    };
    expect(MarketCandleClosed.schema.safeParse({ ...candle, correction: false }).success).toBe(true);
    expect(
      MarketCandleClosed.schema.safeParse({ ...candle, interval: '2m', correction: false }).success,
    ).toBe(false);
    expect(
      MarketSourceStatus.schema.safeParse({ source: 's', exchange: 'x', state: 'backing_off', at: 1 })
        .success,
    ).toBe(true);
    expect(
      MarketSourceStatus.schema.safeParse({ source: 's', exchange: 'x', state: 'sleeping', at: 1 }).success,
    ).toBe(false);
  });
});
