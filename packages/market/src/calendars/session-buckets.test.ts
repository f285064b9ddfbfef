import { describe, expect, it } from 'vitest';
import { CandleAggregator, type CandleOutput } from '../candles/aggregator.ts';
import type { Trade } from '../port/market-message.ts';
import { exchangeCalendar } from './registry.ts';
import { createSessionBucketer, sessionBucket } from './session-buckets.ts';
import { zonedTimeToUtc } from './zoned-time.ts';

const US = exchangeCalendar('US');
const ny = (date: string, time: string) => zonedTimeToUtc(date, time, 'America/New_York');
const seoul = (date: string, time: string) => zonedTimeToUtc(date, time, 'Asia/Seoul');

let id = 0;
function trade(symbol: string, exchangeTime: number, price = 100): Trade {
  return {
    exchange: 'alpaca',
    symbol,
    tradeId: String(++id),
    price,
    size: 1,
    side: 'buy',
    exchangeTime,
    receivedAt: exchangeTime,
  };
}

const closed = (outs: readonly CandleOutput[]) =>
  outs.filter((o) => o.type === 'closed').map((o) => o.candle);

describe('session buckets', () => {
  it('a daily bar is the session, an intraday bar is clipped to it, a closed market has none', () => {
    expect(sessionBucket(US, ny('2026-11-27', '12:00'), '1d')).toEqual({
      openTime: ny('2026-11-27', '09:30'),
      closeTime: ny('2026-11-27', '13:00'),
    });
    expect(sessionBucket(US, ny('2026-11-24', '09:45'), '1h')).toEqual({
      openTime: ny('2026-11-24', '09:30'),
      closeTime: ny('2026-11-24', '10:00'),
    });
    expect(sessionBucket(US, ny('2026-11-24', '10:45'), '1h')).toEqual({
      openTime: ny('2026-11-24', '10:00'),
      closeTime: ny('2026-11-24', '11:00'),
    });
    expect(sessionBucket(US, ny('2026-11-26', '12:00'), '1d')).toBeNull(); // Thanksgiving
    expect(sessionBucket(US, ny('2026-11-24', '20:00'), '1m')).toBeNull(); // after hours
  });

  it('the aggregator builds share candles per session: no bar overnight or over a holiday', () => {
    const agg = new CandleAggregator({
      intervals: ['1h', '1d'],
      buckets: createSessionBucketer(),
      emitUpdates: false,
    });
    const out: CandleOutput[] = [];
    out.push(...agg.onTrade(trade('AAPL.US', ny('2026-11-25', '09:31'), 100)));
    out.push(...agg.onTrade(trade('AAPL.US', ny('2026-11-25', '15:59'), 101)));
    out.push(...agg.onTrade(trade('AAPL.US', ny('2026-11-25', '18:00'), 150))); // after hours: no candle
    out.push(...agg.onTrade(trade('AAPL.US', ny('2026-11-27', '12:59'), 102)));
    out.push(...agg.advance(ny('2026-11-27', '13:00')));
    const daily = closed(out).filter((c) => c.interval === '1d');
    expect(daily.map((c) => [c.openTime, c.closeTime, c.open, c.close, c.trades])).toEqual([
      [ny('2026-11-25', '09:30'), ny('2026-11-25', '16:00'), 100, 101, 2],
      [ny('2026-11-27', '09:30'), ny('2026-11-27', '13:00'), 102, 102, 1],
    ]);
    const hourly = closed(out).filter((c) => c.interval === '1h');
    expect(hourly.map((c) => [c.openTime, c.closeTime])).toEqual([
      [ny('2026-11-25', '09:30'), ny('2026-11-25', '10:00')],
      [ny('2026-11-25', '15:00'), ny('2026-11-25', '16:00')],
      [ny('2026-11-27', '12:00'), ny('2026-11-27', '13:00')],
    ]);
    expect(agg.outsideSession).toBe(1);
  });

  it('crypto pairs in the same aggregator keep UTC buckets', () => {
    const agg = new CandleAggregator({
      intervals: ['1d'],
      buckets: createSessionBucketer(),
      emitUpdates: false,
    });
    agg.onTrade(trade('BTC-USDT', Date.UTC(2026, 10, 26, 12)));
    expect(agg.forming('BTC-USDT', '1d')).toMatchObject({
      openTime: Date.UTC(2026, 10, 26),
      closeTime: Date.UTC(2026, 10, 27),
    });
  });

  it('a KRX daily bar runs 09:00–15:30 KST and a trade of a year with no calendar is refused', () => {
    const agg = new CandleAggregator({
      intervals: ['1d'],
      buckets: createSessionBucketer(),
      emitUpdates: false,
    });
    agg.onTrade(trade('005930.KS', seoul('2026-11-20', '10:00'), 70_000));
    expect(agg.forming('005930.KS', '1d')).toMatchObject({
      openTime: seoul('2026-11-20', '09:00'),
      closeTime: seoul('2026-11-20', '15:30'),
    });
    expect(() => agg.onTrade(trade('005930.KS', seoul('2028-01-04', '10:00')))).toThrow(
      expect.objectContaining({ code: 'MARKET_CALENDAR_MISSING' }),
    );
  });
});
