import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { decodeCoinbaseCandle, decodeCoinbaseFrame } from './decode.ts';
import { decodeCoinbaseExchangeCandle, decodeCoinbaseExchangeFrame } from './exchange-feed.ts';
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

  it('exchange feed - match and last_match (maker side inverted), heartbeat, ack, error, unknown types', () => {
    const decode = (o: object) => decodeCoinbaseExchangeFrame(JSON.stringify(o), context);
    const m = {
      trade_id: 10,
      sequence: 50,
      maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
      taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
      time: '2014-11-07T08:19:27.028459Z',
      product_id: 'BTC-USD',
      size: '5.23512',
      price: '400.23',
      side: 'sell',
    };
    expect(decode({ type: 'match', ...m })).toEqual([
      {
        type: 'trade',
        trade: {
          exchange: 'coinbase',
          symbol: 'BTC-USD',
          tradeId: '10',
          price: 400.23,
          size: 5.23512,
          side: 'buy',
          exchangeTime: Date.parse('2014-11-07T08:19:27.028Z'),
          receivedAt: 42,
          seq: 50,
        },
      },
    ]);
    expect(decode({ type: 'last_match', ...m, side: 'buy' })[0]).toMatchObject({ trade: { side: 'sell' } });
    expect(decode({ type: 'heartbeat', sequence: 90, last_trade_id: 20, product_id: 'BTC-USD' })).toEqual([
      { type: 'heartbeat' },
    ]);
    expect(decode({ type: 'subscriptions', channels: [] })).toEqual([{ type: 'ack' }]);
    expect(decode({ type: 'error', message: 'Failed to subscribe' })).toEqual([
      { type: 'venue_error', message: 'Failed to subscribe' },
    ]);
    expect(decode({ type: 'ticker', product_id: 'BTC-USD' })).toEqual([{ type: 'ignored' }]);
    expect(() => decode({ type: 'match', product_id: 'BTC-USD' })).toThrow(MalformedFrameError);
    expect(decodeCoinbaseExchangeCandle([T0 / 1000, 1, 3, 2, 2.5, 9], 'BTC-USD')).toMatchObject({
      openTime: T0,
      open: 2,
      high: 3,
      low: 1,
      close: 2.5,
      volume: 9,
    });
  });
});
