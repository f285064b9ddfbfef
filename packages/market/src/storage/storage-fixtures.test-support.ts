/** Market rows and their events for the storage cases: trades, candles, a fixed clock. */
import { createEventSource, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { MarketCandleClosed, MarketCandleUpdated, MarketTrade } from '../candles/events.ts';
import type { Candle, Trade } from '../port/market-message.ts';

export const DAY = 86_400_000;
/** 2026-03-15 12:00 UTC. */
export const T0 = Date.UTC(2026, 2, 15, 12);

const events = createEventSource({ source: 'collector/test', clock: new ManualClock(T0) });

export function trade(id: number, timeMs: number, price = 100, symbol = 'BTC-USDT', exchange = 'sim'): Trade {
  return {
    exchange,
    symbol,
    tradeId: String(id),
    price,
    size: 0.5,
    side: 'buy',
    exchangeTime: timeMs,
    receivedAt: timeMs + 3,
  };
}

export function tradeEvent(t: Trade): EventEnvelope {
  return events.create(MarketTrade, { subject: t.symbol, data: t });
}

export function candle(openTime: number, close: number, revision = 0, extra: Partial<Candle> = {}): Candle {
  return {
    exchange: 'sim',
    symbol: 'BTC-USDT',
    interval: '1m',
    openTime,
    closeTime: openTime + 60_000,
    open: 100,
    high: Math.max(100, close),
    low: Math.min(100, close),
    close,
    volume: 2,
    quoteVolume: 200,
    trades: 4,
    incomplete: false,
    revision,
    ...extra,
  };
}

export const updated = (c: Candle): EventEnvelope =>
  events.create(MarketCandleUpdated, { subject: c.symbol, data: c });
export const closed = (c: Candle): EventEnvelope =>
  events.create(MarketCandleClosed, { subject: c.symbol, data: { ...c, correction: c.revision > 0 } });
