import { createEventSource, type EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { MarketCandleClosed, MarketCandleUpdated, MarketIndicatorsUpdated, MarketTrade } from './events.ts';
import { routeLiveOnly } from './live-only.ts';

describe('market events - durable or live-only', () => {
  it('route - forming candles and indicator updates go live only; trades and closed candles to the log', () => {
    const durable: string[] = [];
    const live: string[] = [];
    const publish = routeLiveOnly({ durable: (e) => durable.push(e.type), live: (e) => live.push(e.type) });
    const source = createEventSource({ source: 'collector/test' });
    const make = (definition: { type: string }) =>
      source.create(definition as never, { subject: 'BTC-USDT', data: {} }) as EventEnvelope;
    for (const definition of [MarketTrade, MarketCandleUpdated, MarketCandleClosed, MarketIndicatorsUpdated])
      publish(make(definition));
    expect(durable).toEqual(['market.trade', 'market.candle.closed']);
    expect(live).toEqual(['market.candle.updated', 'market.indicators.updated']);
  });
});
