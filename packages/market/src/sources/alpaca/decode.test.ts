import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { decodeAlpacaBar, decodeAlpacaFrame } from './decode.ts';
import { alpacaSubscribeFrames, alpacaUnsubscribeFrames } from './requests.ts';

const context: DecodeContext = { receivedAt: 1, canonical: (s) => toCanonicalSymbol('alpaca', s) };
const T = '2026-11-24T15:51:44.208123456Z';
const T_MS = Date.parse('2026-11-24T15:51:44.208Z');

describe('alpaca decode', () => {
  it('a frame is an array: trades (T:t) with exchange-scoped ids, bars (T:b), control messages', () => {
    const frame = JSON.stringify([
      { T: 't', S: 'AAPL', i: 96921, x: 'V', p: 226.55, s: 100, t: T, c: ['@'], z: 'C' },
      {
        T: 'b',
        S: 'BRK.B',
        o: 470.1,
        h: 471,
        l: 470,
        c: 470.5,
        v: 1200,
        t: '2026-11-24T15:51:00Z',
        n: 31,
        vw: 470.4,
      },
      { T: 'success', msg: 'authenticated' },
      { T: 'subscription', trades: ['AAPL'], bars: [] },
      { T: 'error', code: 402, msg: 'auth failed' },
      { T: 'q', S: 'AAPL' },
    ]);
    const [trade, bar, ...rest] = decodeAlpacaFrame(frame, context);
    expect(trade).toEqual({
      type: 'trade',
      trade: {
        exchange: 'alpaca',
        symbol: 'AAPL.US',
        tradeId: 'V-96921',
        price: 226.55,
        size: 100,
        side: 'unknown',
        exchangeTime: T_MS,
        receivedAt: 1,
      },
    });
    expect(bar).toMatchObject({
      type: 'candle',
      candle: {
        symbol: 'BRK.B.US',
        interval: '1m',
        openTime: Date.parse('2026-11-24T15:51:00Z'),
        close: 470.5,
        trades: 31,
      },
    });
    expect(bar?.type === 'candle' && bar.candle.quoteVolume).toBeCloseTo(470.4 * 1200);
    expect(rest).toEqual([
      { type: 'ack', detail: 'authenticated' },
      { type: 'ack', detail: 'subscription' },
      { type: 'venue_error', message: '402: auth failed' },
      { type: 'ignored' },
    ]);
  });

  it('an updated bar (T:u) after late trades is the same minute, with its new values', () => {
    const minute = {
      S: 'AAPL',
      o: 226,
      h: 227,
      l: 225.5,
      c: 226.5,
      v: 900,
      t: '2026-11-24T15:51:00Z',
      n: 20,
      vw: 226.3,
    };
    const [first, updated] = decodeAlpacaFrame(
      JSON.stringify([
        { T: 'b', ...minute },
        { T: 'u', ...minute, l: 225, v: 950, n: 22 },
      ]),
      context,
    );
    expect(first).toMatchObject({ type: 'candle', candle: { symbol: 'AAPL.US', low: 225.5, volume: 900 } });
    expect(updated).toMatchObject({
      type: 'candle',
      candle: { symbol: 'AAPL.US', openTime: Date.parse(minute.t), low: 225, volume: 950, trades: 22 },
    });
  });

  it('bad values pass through for validation to quarantine; unreadable frames throw', () => {
    const [bad] = decodeAlpacaFrame(
      JSON.stringify([{ T: 't', S: 'AAPL', i: 1, x: 'V', p: 'abc', s: -5, t: T }]),
      context,
    );
    expect(bad).toMatchObject({ type: 'trade', trade: { price: Number.NaN, size: -5 } });
    expect(() => decodeAlpacaFrame('{"T":"t"}', context)).toThrow(/not an array/);
    expect(() =>
      decodeAlpacaFrame(JSON.stringify([{ T: 't', S: 'AAPL', i: 1, p: 1, s: 1 }]), context),
    ).toThrow(/field t/);
    expect(() =>
      decodeAlpacaFrame(JSON.stringify([{ T: 't', S: 'a?', i: 1, p: 1, s: 1, t: T }]), context),
    ).toThrow(/symbol/);
    expect(() => decodeAlpacaBar({ o: 1 }, 'AAPL.US')).toThrow(/field t/);
  });

  it('requests - auth leads a new connection, then one subscribe for trades and bars; unsubscribe drops symbols', () => {
    const subscribe = alpacaSubscribeFrames({ keyId: 'k', secretKey: 's' });
    const all = { symbols: ['AAPL.US', 'BRK.B.US'], kinds: ['trade', 'candle'] as const };
    expect(
      subscribe(all, all, { nextId: () => 1, intervals: ['1m'], initial: true }).map((f) => JSON.parse(f)),
    ).toEqual([
      { action: 'auth', key: 'k', secret: 's' },
      {
        action: 'subscribe',
        trades: ['AAPL', 'BRK.B'],
        bars: ['AAPL', 'BRK.B'],
        updatedBars: ['AAPL', 'BRK.B'],
      },
    ]);
    const add = { symbols: ['MSFT.US'], kinds: ['trade'] as const };
    expect(subscribe(add, all, { nextId: () => 1, intervals: ['1m'], initial: false })).toEqual([
      JSON.stringify({ action: 'subscribe', trades: ['MSFT'] }),
    ]);
    expect(
      alpacaUnsubscribeFrames(
        ['AAPL.US'],
        { symbols: [], kinds: ['trade'] },
        { nextId: () => 1, intervals: [], initial: false },
      ),
    ).toEqual([JSON.stringify({ action: 'unsubscribe', trades: ['AAPL'] })]);
  });
});
