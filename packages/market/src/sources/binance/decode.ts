/**
 * @module Binance frames → normalized events. Combined-stream payloads arrive wrapped as
 * `{"stream","data"}`; JSON-RPC answers as `{"result","id"}` or `{"code","msg","id"}`.
 */
import { isCandleInterval } from '../../candles/intervals.ts';
import type { Candle } from '../../port/market-message.ts';
import { parseDecimal } from '../../normalize/parse-number.ts';
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

const EXCHANGE = 'binance';

/** Decodes one Binance frame. */
export function decodeBinanceFrame(text: string, context: DecodeContext): DecodedEvent[] {
  const msg = requireObject(parseJsonFrame(text), 'frame');
  if ('id' in msg && 'result' in msg) return [{ type: 'ack', detail: `id ${String(msg.id)}` }];
  if ('code' in msg && 'msg' in msg) {
    return [{ type: 'venue_error', message: `${String(msg.code)}: ${String(msg.msg)}` }];
  }
  const payload = 'stream' in msg && 'data' in msg ? requireObject(msg.data, 'data') : msg;
  switch (payload.e) {
    case 'trade':
      return [{ type: 'trade', trade: decodeTrade(payload, context) }];
    case 'kline': {
      const k = requireObject(payload.k, 'k');
      // Only the final update (x: true) is a closed candle; the port has no "forming" flag.
      if (k.x !== true) return [{ type: 'ignored' }];
      const candle = decodeKline(k, requireSymbol(payload.s, context.canonical));
      return candle ? [{ type: 'candle', candle }] : [{ type: 'ignored' }];
    }
    case 'serverShutdown':
      return [{ type: 'reconnect', reason: 'serverShutdown' }];
    default:
      return [{ type: 'ignored' }];
  }
}

function decodeTrade(p: JsonObject, context: DecodeContext) {
  const tradeId = requireId(p, 't');
  const time = p.T;
  if (typeof time !== 'number') throw new MalformedFrameError('field T missing');
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(p.s, context.canonical),
    tradeId,
    price: parseDecimal(p.p),
    size: parseDecimal(p.q),
    // m: the buyer is the maker, so the aggressor sold.
    side: p.m === true ? ('sell' as const) : p.m === false ? ('buy' as const) : ('unknown' as const),
    exchangeTime: time,
    receivedAt: context.receivedAt,
    seq: Number(tradeId),
  };
}

/** A closed kline object (`k`) as a candle; null for intervals the port does not have. */
export function decodeKline(k: JsonObject, symbol: string): Candle | null {
  const interval = typeof k.i === 'string' ? k.i : '';
  if (!isCandleInterval(interval) || typeof k.t !== 'number') return null;
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval,
    openTime: k.t,
    open: k.o,
    high: k.h,
    low: k.l,
    close: k.c,
    volume: k.v,
    quoteVolume: parseDecimal(k.q),
    trades: typeof k.n === 'number' ? k.n : 0,
  });
}

/**
 * A REST kline row `[openTime, o, h, l, c, v, closeTime, quoteVol, trades, takerBase, takerQuote, ignore]`.
 */
export function decodeKlineRow(row: unknown, symbol: string, interval: '1m'): Candle {
  if (!Array.isArray(row) || row.length < 9 || typeof row[0] !== 'number') {
    throw new MalformedFrameError('kline row is not [openTime, o, h, l, c, v, closeTime, q, n, …]');
  }
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval,
    openTime: row[0],
    open: row[1],
    high: row[2],
    low: row[3],
    close: row[4],
    volume: row[5],
    quoteVolume: parseDecimal(row[7]),
    trades: typeof row[8] === 'number' ? row[8] : 0,
  });
}
