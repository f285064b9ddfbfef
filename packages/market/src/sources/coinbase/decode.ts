/**
 * @module Coinbase Advanced Trade frames → normalized events. Every frame is an envelope
 * `{channel, timestamp, sequence_num, events[]}`; `sequence_num` goes up by one per message on
 * the connection, across channels, so a jump is a gap. `market_trades` events hold `trades[]`.
 */
import type { Candle, Trade } from '../../port/market-message.ts';
import { parseDecimal, parseTimestampMs } from '../../normalize/parse-number.ts';
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

const EXCHANGE = 'coinbase';

/** Decodes one Coinbase Advanced Trade frame. */
export function decodeCoinbaseFrame(text: string, context: DecodeContext): DecodedEvent[] {
  const msg = requireObject(parseJsonFrame(text), 'frame');
  if (msg.type === 'error') return [coinbaseErrorEvent(msg)];
  const out: DecodedEvent[] = [];
  if (typeof msg.sequence_num === 'number') out.push({ type: 'sequence', seq: msg.sequence_num });
  switch (msg.channel) {
    case 'market_trades': {
      if (!Array.isArray(msg.events)) throw new MalformedFrameError('events missing');
      for (const e of msg.events) {
        const trades = requireObject(e, 'event').trades;
        if (!Array.isArray(trades)) throw new MalformedFrameError('trades missing');
        for (const t of trades)
          out.push({ type: 'trade', trade: decodeTrade(requireObject(t, 'trade'), context) });
      }
      return out;
    }
    case 'heartbeats':
      out.push({ type: 'heartbeat' });
      return out;
    case 'subscriptions':
      out.push({ type: 'ack' });
      return out;
    default:
      // Unknown channels and types must be ignored.
      out.push({ type: 'ignored' });
      return out;
  }
}

/** A Coinbase `error` frame (both APIs send `message` and `reason`) as a venue error. */
export function coinbaseErrorEvent(msg: JsonObject): DecodedEvent {
  const text = [msg.message, msg.reason].filter((v) => typeof v === 'string').join(': ');
  return { type: 'venue_error', message: text || 'error' };
}

function decodeTrade(t: JsonObject, context: DecodeContext): Trade {
  const tradeId = requireId(t, 'trade_id');
  const side = t.side;
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(t.product_id, context.canonical),
    tradeId,
    price: parseDecimal(t.price),
    size: parseDecimal(t.size),
    // Read as the taker's side (see the sources README: the docs do not say).
    side: side === 'BUY' ? 'buy' : side === 'SELL' ? 'sell' : 'unknown',
    exchangeTime: parseTimestampMs(t.time),
    receivedAt: context.receivedAt,
  };
}

/** A public REST candle `{start (unix s), low, high, open, close, volume}`. */
export function decodeCoinbaseCandle(row: unknown, symbol: string): Candle {
  const c = requireObject(row, 'candle');
  const start = Number(c.start) * 1000;
  if (!Number.isFinite(start)) throw new MalformedFrameError('candle start missing');
  // Coinbase candles carry neither quote volume nor a trade count; 0 keeps event schemas valid.
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval: '1m',
    openTime: start,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
  });
}
