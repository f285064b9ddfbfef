/**
 * @module Alpaca stream and REST messages → normalized events. Stream frames are JSON arrays of
 * messages told apart by `T`: `success`, `subscription`, `error`, `t` (trade), `b` (minute bar),
 * `u` (an updated bar: the minute's bar again after late trades changed it, same fields), and others
 * (quotes, statuses, trade corrections) ignored here. An updated bar is a candle like the first: the
 * store keeps the bar it replaces as a data version (storage/candle-writes.ts). Trade ids (`i`) are unique per
 * reporting exchange (`x`) only, so the trade id is `x-i`. Times are RFC 3339 with nanoseconds.
 */
import { parseDecimal, parseTimestampMs } from '../../normalize/parse-number.ts';
import type { Candle, Trade } from '../../port/market-message.ts';
import type { DecodeContext, DecodedEvent } from '../network/dialect.ts';
import {
  MalformedFrameError,
  parseJsonFrame,
  requireId,
  requireObject,
  requireSymbol,
  type JsonObject,
} from '../network/frame-fields.ts';
import { venueCandle } from '../network/venue-candle.ts';

const EXCHANGE = 'alpaca';

/** Alpaca stream error codes the source acts on (docs: "Real-time stock data", errors). */
export const AlpacaStreamError = {
  InvalidSyntax: 400,
  NotAuthenticated: 401,
  AuthFailed: 402,
  AlreadyAuthenticated: 403,
  AuthTimeout: 404,
  SymbolLimit: 405,
  ConnectionLimit: 406,
  SlowClient: 407,
  InsufficientSubscription: 409,
} as const;

/** Decodes one stream frame (an array of messages). */
export function decodeAlpacaFrame(text: string, context: DecodeContext): DecodedEvent[] {
  const frame = parseJsonFrame(text);
  if (!Array.isArray(frame)) throw new MalformedFrameError('frame is not an array');
  return frame.map((item) => decodeMessage(requireObject(item, 'message'), context));
}

function decodeMessage(m: JsonObject, context: DecodeContext): DecodedEvent {
  switch (m.T) {
    case 't':
      return { type: 'trade', trade: decodeAlpacaTrade(m, context) };
    case 'b':
    case 'u':
      return { type: 'candle', candle: decodeAlpacaBar(m, requireSymbol(m.S, context.canonical)) };
    case 'success':
      return { type: 'ack', detail: String(m.msg) };
    case 'subscription':
      return { type: 'ack', detail: 'subscription' };
    case 'error':
      return { type: 'venue_error', message: `${String(m.code)}: ${String(m.msg)}` };
    default:
      return { type: 'ignored' };
  }
}

function decodeAlpacaTrade(m: JsonObject, context: DecodeContext): Trade {
  const time = typeof m.t === 'string' ? parseTimestampMs(m.t) : NaN;
  if (!Number.isFinite(time)) throw new MalformedFrameError('field t missing');
  const exchangeCode = typeof m.x === 'string' ? m.x : '';
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(m.S, context.canonical),
    tradeId: `${exchangeCode}-${requireId(m, 'i')}`,
    price: parseDecimal(m.p),
    size: parseDecimal(m.s),
    // The consolidated tape does not say which side took; the tick test is not the venue's word.
    side: 'unknown',
    exchangeTime: time,
    receivedAt: context.receivedAt,
  };
}

/** A minute bar, from the stream (`T: b`) or from REST (same keys without `T` and `S`). */
export function decodeAlpacaBar(row: unknown, symbol: string): Candle {
  const b = requireObject(row, 'bar');
  const at = typeof b.t === 'string' ? parseTimestampMs(b.t) : NaN;
  if (!Number.isFinite(at)) throw new MalformedFrameError('field t missing');
  const volume = parseDecimal(b.v);
  const vwap = parseDecimal(b.vw);
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval: '1m',
    openTime: at,
    open: b.o,
    high: b.h,
    low: b.l,
    close: b.c,
    volume: b.v,
    // Alpaca gives the volume-weighted average price, not the traded value; their product is it.
    quoteVolume: Number.isFinite(vwap) && Number.isFinite(volume) ? vwap * volume : 0,
    trades: typeof b.n === 'number' ? b.n : 0,
  });
}
