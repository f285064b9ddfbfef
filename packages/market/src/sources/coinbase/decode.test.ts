import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { decodeCoinbaseCandle, decodeCoinbaseFrame } from './decode.ts';
import { coinbaseSubscribeFrames } from './requests.ts';

const T0 = Date.UTC(2024, 2, 15, 10);
const context: DecodeContext = { receivedAt: 42, canonical: (v) => toCanonicalSymbol('coinbase', v) };

describe('coinbase decode', () => {
  it('recorded - every envelope carries its sequence_num; snapshot and update trades, heartbeats, acks', () => {
    const events = readRecording(RECORDINGS.coinbase).flatMap((f) => decodeCoinbaseFrame(f.frame, context));
    expect(events.map((e) => (e.type === 'sequence' ? e.seq : e.type))).toEqual([
      0,
      'ack',
      1,
      'ack',
      2,
      'trade',
      'trade',
      3,
      'heartbeat',
      4,
      'trade',
      5,
      'heartbeat',
    ]);
    const trades = events.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
    expect(trades[0]).toEqual({
      exchange: 'coinbase',
      symbol: 'BTC-USD',
      tradeId: '640000002',
      price: 71010.5,
      size: 0.0015,
      side: 'sell',
      exchangeTime: Date.parse('2024-03-15T09:59:59.950Z'),
      receivedAt: 42,
    });
    expect(trades[2]).toMatchObject({ tradeId: '640000003', side: 'buy', exchangeTime: T0 + 1_198 });
  });

  it('errors and malformed - error type, unknown channels ignored, broken trades throw', () => {
    expect(
      decodeCoinbaseFrame(JSON.stringify({ type: 'error', message: 'bad', reason: 'no channel' }), context),
    ).toEqual([{ type: 'venue_error', message: 'bad: no channel' }]);
    expect(
      decodeCoinbaseFrame(JSON.stringify({ channel: 'l2_data', sequence_num: 9, events: [] }), context),
    ).toEqual([{ type: 'sequence', seq: 9 }, { type: 'ignored' }]);
    expect(() =>
      decodeCoinbaseFrame(JSON.stringify({ channel: 'market_trades', events: [{}] }), context),
    ).toThrow(MalformedFrameError);
    expect(() =>
      decodeCoinbaseFrame(
        JSON.stringify({ channel: 'market_trades', events: [{ trades: [{ product_id: 'BTC-USD' }] }] }),
        context,
      ),
    ).toThrow(MalformedFrameError);
  });

  it('requests and REST - heartbeats once per connection, candles in unix seconds', () => {
    const ctx = { nextId: () => 1, intervals: [], initial: true };
    expect(
      coinbaseSubscribeFrames(
        { symbols: ['BTC-USD'], kinds: ['trade'] },
        { symbols: [], kinds: [] },
        ctx,
      ).map((f) => JSON.parse(f) as unknown),
    ).toEqual([
      { type: 'subscribe', channel: 'heartbeats' },
      { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' },
    ]);
    expect(
      coinbaseSubscribeFrames(
        { symbols: ['ETH-USD'], kinds: ['trade'] },
        { symbols: [], kinds: [] },
        { ...ctx, initial: false },
      ),
    ).toHaveLength(1);
    expect(
      decodeCoinbaseCandle(
        { start: String(T0 / 1000), low: '1', high: '2', open: '1.5', close: '1.8', volume: '3' },
        'BTC-USD',
      ),
    ).toMatchObject({
      openTime: T0,
      closeTime: T0 + 60_000,
      open: 1.5,
      close: 1.8,
      volume: 3,
    });
  });
});
