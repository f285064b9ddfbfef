import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { MalformedFrameError } from '../network/frame-fields.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { decodeBinanceFrame, decodeKlineRow } from './decode.ts';
import { binanceStreams } from './requests.ts';

const T0 = Date.UTC(2024, 2, 15, 10);
const context: DecodeContext = { receivedAt: 42, canonical: (v) => toCanonicalSymbol('binance', v) };
const decode = (frame: unknown) =>
  decodeBinanceFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), context);

describe('binance decode', () => {
  it('recorded - ack, trades, forming kline skipped, closed kline as a candle', () => {
    const events = readRecording(RECORDINGS.binance).flatMap((f) => decodeBinanceFrame(f.frame, context));
    expect(events.map((e) => e.type)).toEqual(['ack', 'trade', 'trade', 'ignored', 'trade', 'candle']);
    expect(events[1]).toEqual({
      type: 'trade',
      trade: {
        exchange: 'binance',
        symbol: 'BTC-USDT',
        tradeId: '3500000001',
        price: 71000,
        size: 0.012,
        side: 'sell',
        exchangeTime: T0 + 99,
        receivedAt: 42,
        seq: 3500000001,
      },
    });
    expect(events[2]).toMatchObject({ trade: { side: 'buy', tradeId: '3500000002' } });
    expect(events[5]).toEqual({
      type: 'candle',
      candle: {
        exchange: 'binance',
        symbol: 'BTC-USDT',
        interval: '1m',
        openTime: T0,
        closeTime: T0 + 60_000,
        open: 71000,
        high: 71000.1,
        low: 71000,
        close: 71000.1,
        volume: 0.512,
        quoteVolume: 36350.05,
        trades: 2,
        incomplete: false,
        revision: 0,
      },
    });
  });

  it('control - serverShutdown (raw and combined), JSON-RPC errors, unknown events', () => {
    expect(decode({ e: 'serverShutdown', E: 1 })).toEqual([{ type: 'reconnect', reason: 'serverShutdown' }]);
    expect(decode({ stream: '!serverShutdown', data: { e: 'serverShutdown', E: 1 } })[0]!.type).toBe(
      'reconnect',
    );
    expect(decode({ code: 2, msg: 'Invalid request: unknown method', id: 3 })).toEqual([
      { type: 'venue_error', message: '2: Invalid request: unknown method' },
    ]);
    expect(decode({ result: ['btcusdt@trade'], id: 4 })[0]!.type).toBe('ack');
    expect(decode({ e: 'aggTrade', s: 'BTCUSDT' })).toEqual([{ type: 'ignored' }]);
    // A 1M kline has no port interval: ignored, not malformed.
    expect(decode({ e: 'kline', s: 'BTCUSDT', k: { t: 0, i: '1M', x: true } })).toEqual([
      { type: 'ignored' },
    ]);
  });

  it('malformed - not JSON, missing ids or times, unreadable symbols throw', () => {
    for (const bad of [
      'nope',
      '[1,2]',
      { e: 'trade', s: 'BTCUSDT', T: 1 },
      { e: 'trade', s: 'BTCUSDT', t: 1 },
      { e: 'trade', s: '???', t: 1, T: 1 },
    ]) {
      expect(() => decode(bad)).toThrow(MalformedFrameError);
    }
    // Bad values are not malformed: they pass as NaN for the collector's validation.
    expect(decode({ e: 'trade', s: 'BTCUSDT', t: 1, T: 1, p: 'abc', q: '1' })[0]).toMatchObject({
      trade: { price: NaN },
    });
  });

  it('requests and REST - stream names and kline rows', () => {
    expect(
      binanceStreams(['ETH-USDT'], ['trade', 'candle'], {
        nextId: () => 1,
        intervals: ['1m', '1h'],
        initial: true,
      }),
    ).toEqual(['ethusdt@trade', 'ethusdt@kline_1m', 'ethusdt@kline_1h']);
    const row = [T0, '1.0', '2.0', '0.5', '1.5', '10', T0 + 59_999, '15', 7, '5', '7', '0'];
    expect(decodeKlineRow(row, 'BTC-USDT', '1m')).toMatchObject({
      openTime: T0,
      closeTime: T0 + 60_000,
      close: 1.5,
      quoteVolume: 15,
      trades: 7,
    });
    expect(() => decodeKlineRow([T0, '1'], 'BTC-USDT', '1m')).toThrow(MalformedFrameError);
  });
});
