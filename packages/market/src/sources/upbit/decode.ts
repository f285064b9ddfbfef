/**
 * @module Upbit frames → normalized events. Frames may be binary (UTF-8 JSON); both the DEFAULT
 * and SIMPLE key sets are read. Numbers are JSON numbers. `ask_bid` ASK means the seller took.
 */
import type { Candle, Trade } from '../../port/market-message.ts';
import { parseDecimal } from '../../normalize/parse-number.ts';
import type { DecodeContext, DecodedEvent } from '../network/dialect.ts';
import {
  MalformedFrameError,
  parseJsonFrame,
  pick,
  requireObject,
  requireSymbol,
  type JsonObject,
} from '../network/frame-fields.ts';
import { venueCandle } from '../network/venue-candle.ts';

const EXCHANGE = 'upbit';

/** Decodes one Upbit frame. */
export function decodeUpbitFrame(text: string, context: DecodeContext): DecodedEvent[] {
  const msg = requireObject(parseJsonFrame(text), 'frame');
  if (msg.status === 'UP') return [{ type: 'heartbeat' }];
  if (msg.error !== undefined) {
    const e = requireObject(msg.error, 'error');
    return [{ type: 'venue_error', message: `${String(e.name)}: ${String(e.message)}` }];
  }
  const type = pick(msg, 'type', 'ty');
  if (type !== 'trade') return [{ type: 'ignored' }];
  return [{ type: 'trade', trade: decodeTrade(msg, context) }];
}

function decodeTrade(m: JsonObject, context: DecodeContext): Trade {
  const sid = pick(m, 'sequential_id', 'sid');
  if (typeof sid !== 'number' && typeof sid !== 'string')
    throw new MalformedFrameError('sequential_id missing');
  const time = pick(m, 'trade_timestamp', 'ttms');
  if (typeof time !== 'number') throw new MalformedFrameError('trade_timestamp missing');
  const askBid = pick(m, 'ask_bid', 'ab');
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(pick(m, 'code', 'cd'), context.canonical),
    tradeId: String(sid),
    price: parseDecimal(pick(m, 'trade_price', 'tp')),
    size: parseDecimal(pick(m, 'trade_volume', 'tv')),
    side: askBid === 'ASK' ? 'sell' : askBid === 'BID' ? 'buy' : 'unknown',
    exchangeTime: time,
    receivedAt: context.receivedAt,
    seq: Number(sid),
  };
}

/** A REST minute candle (`candle_date_time_utc` is `yyyy-MM-ddTHH:mm:ss`, UTC without a zone). */
export function decodeUpbitCandle(row: unknown, symbol: string): Candle {
  const c = requireObject(row, 'candle');
  const at = typeof c.candle_date_time_utc === 'string' ? Date.parse(`${c.candle_date_time_utc}Z`) : NaN;
  if (!Number.isFinite(at)) throw new MalformedFrameError('candle_date_time_utc missing');
  // Upbit candles carry no trade count.
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval: '1m',
    openTime: at,
    open: c.opening_price,
    high: c.high_price,
    low: c.low_price,
    close: c.trade_price,
    volume: c.candle_acc_trade_volume,
    quoteVolume: parseDecimal(c.candle_acc_trade_price),
  });
}
