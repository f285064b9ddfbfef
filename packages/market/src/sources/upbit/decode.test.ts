import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { decodeUpbitCandle, decodeUpbitFrame } from './decode.ts';
import { upbitRequest } from './requests.ts';

const T0 = Date.UTC(2024, 2, 15, 10);
const context: DecodeContext = { receivedAt: 42, canonical: (v) => toCanonicalSymbol('upbit', v) };

describe('upbit decode', () => {
  it('recorded - DEFAULT and SIMPLE trades, status UP as a heartbeat', () => {
    const events = readRecording(RECORDINGS.upbit).flatMap((f) => decodeUpbitFrame(f.frame, context));
    expect(events.map((e) => e.type)).toEqual(['trade', 'trade', 'heartbeat', 'trade']);
    expect(events[0]).toEqual({
      type: 'trade',
      trade: {
        exchange: 'upbit',
        symbol: 'BTC-KRW',
        tradeId: '17104968000100000',
        price: 98_500_000,
        size: 0.0012,
        side: 'buy',
        exchangeTime: T0 + 10,
        receivedAt: 42,
        seq: 17104968000100000,
      },
    });
    expect(events[1]).toMatchObject({ trade: { side: 'sell', size: 0.05 } });
    // SIMPLE keys decode to the same trade shape.
    expect(events[3]).toMatchObject({
      trade: {
        symbol: 'BTC-KRW',
        tradeId: '17104968102100000',
        price: 98_499_000,
        size: 0.2,
        side: 'buy',
        exchangeTime: T0 + 10_210,
      },
    });
  });

  it('errors and malformed - error objects are venue errors; missing ids or times throw', () => {
    expect(
      decodeUpbitFrame(JSON.stringify({ error: { name: 'NO_TICKET', message: 'ticket missing' } }), context),
    ).toEqual([{ type: 'venue_error', message: 'NO_TICKET: ticket missing' }]);
    expect(decodeUpbitFrame(JSON.stringify({ type: 'ticker', code: 'KRW-BTC' }), context)).toEqual([
      { type: 'ignored' },
    ]);
    expect(() => decodeUpbitFrame('{"type":"trade"', context)).toThrow(MalformedFrameError);
    expect(() =>
      decodeUpbitFrame(JSON.stringify({ type: 'trade', code: 'KRW-BTC', trade_timestamp: 1 }), context),
    ).toThrow(MalformedFrameError);
  });

  it('requests and REST - the array request, minute candles in UTC', () => {
    expect(
      JSON.parse(upbitRequest({ symbols: ['BTC-KRW', 'ETH-KRW'], kinds: ['trade'] }, 't-1')[0]!),
    ).toEqual([
      { ticket: 't-1' },
      { type: 'trade', codes: ['KRW-BTC', 'KRW-ETH'], is_only_snapshot: false, is_only_realtime: false },
      { format: 'DEFAULT' },
    ]);
    expect(upbitRequest({ symbols: [], kinds: ['trade'] })).toEqual([]);
    const candle = decodeUpbitCandle(
      {
        candle_date_time_utc: '2024-03-15T10:00:00',
        opening_price: 1,
        high_price: 2,
        low_price: 0.5,
        trade_price: 1.5,
        candle_acc_trade_volume: 3,
        candle_acc_trade_price: 4,
      },
      'BTC-KRW',
    );
    expect(candle).toMatchObject({
      openTime: T0,
      closeTime: T0 + 60_000,
      close: 1.5,
      volume: 3,
      quoteVolume: 4,
    });
  });
});
