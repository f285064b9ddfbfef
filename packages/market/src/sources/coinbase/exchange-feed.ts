/**
 * @module The Coinbase Exchange feed dialect (`wss://ws-feed.exchange.coinbase.com`,
 * https://docs.cdp.coinbase.com/exchange/docs/websocket-overview): `subscribe` with `product_ids` and the `heartbeat` and `matches`
 * channels, `last_match` then `match` messages whose `side` is the maker's (so the aggressor is the
 * other side), `trade_id` contiguous per product (gaps), heartbeats every second per product, and
 * `GET /products/{id}/candles?granularity=60&start&end` backfill.
 */
import { INTERVAL_MS } from '../../candles/intervals.ts';
import { parseDecimal, parseTimestampMs } from '../../normalize/parse-number.ts';
import type { Candle, Trade } from '../../port/market-message.ts';
import type {
  BackfillRequest,
  DecodeContext,
  DecodedEvent,
  HttpGetJson,
  RequestContext,
  Subscription,
  VenueDialect,
} from '../network/dialect.ts';
import {
  MalformedFrameError,
  parseJsonFrame,
  requireId,
  requireObject,
  requireSymbol,
  type JsonObject,
} from '../network/frame-fields.ts';
import { venueCandle } from '../network/venue-candle.ts';
import { COINBASE_DEFAULTS } from './config.ts';
import { coinbaseErrorEvent } from './decode.ts';

export const COINBASE_EXCHANGE_WS_URL = 'wss://ws-feed.exchange.coinbase.com';
export const COINBASE_EXCHANGE_REST_URL = 'https://api.exchange.coinbase.com';
/** Candles per Exchange candles request (the API rejects more than 300). */
export const COINBASE_EXCHANGE_CANDLES_LIMIT = 300;
const EXCHANGE = 'coinbase';
const MINUTE_MS = INTERVAL_MS['1m'];

function request(type: 'subscribe' | 'unsubscribe', products: readonly string[]): string {
  return JSON.stringify({ type, product_ids: products, channels: ['heartbeat', 'matches'] });
}

function subscribeFrames(add: Subscription, _all: Subscription, _context: RequestContext): string[] {
  return add.symbols.length > 0 && add.kinds.includes('trade') ? [request('subscribe', add.symbols)] : [];
}

function unsubscribeFrames(
  remove: readonly string[],
  _remaining: Subscription,
  _context: RequestContext,
): string[] {
  return [request('unsubscribe', remove)];
}

function decodeMatch(m: JsonObject, context: DecodeContext): Trade {
  const tradeId = requireId(m, 'trade_id');
  // `side` is the maker order's side: a sell maker was lifted by a buyer.
  const side = m.side === 'sell' ? 'buy' : m.side === 'buy' ? 'sell' : 'unknown';
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(m.product_id, context.canonical),
    tradeId,
    price: parseDecimal(m.price),
    size: parseDecimal(m.size),
    side,
    exchangeTime: parseTimestampMs(m.time),
    receivedAt: context.receivedAt,
    ...(typeof m.sequence === 'number' ? { seq: m.sequence } : {}),
  };
}

/** Decodes one Exchange feed frame; unknown types are ignored, as the feed requires. */
export function decodeCoinbaseExchangeFrame(text: string, context: DecodeContext): DecodedEvent[] {
  const msg = requireObject(parseJsonFrame(text), 'frame');
  switch (msg.type) {
    case 'match':
    case 'last_match':
      return [{ type: 'trade', trade: decodeMatch(msg, context) }];
    case 'heartbeat':
      return [{ type: 'heartbeat' }];
    case 'subscriptions':
      return [{ type: 'ack' }];
    case 'error':
      return [coinbaseErrorEvent(msg)];
    default:
      return [{ type: 'ignored' }];
  }
}

/** An Exchange candle row `[time (s), low, high, open, close, volume]`. */
export function decodeCoinbaseExchangeCandle(row: unknown, symbol: string): Candle {
  if (!Array.isArray(row) || row.length < 6 || typeof row[0] !== 'number') {
    throw new MalformedFrameError('candle row is not [time, low, high, open, close, volume]');
  }
  const openTime = row[0] * 1000;
  // Exchange candles carry neither quote volume nor a trade count.
  return venueCandle({
    exchange: EXCHANGE,
    symbol,
    interval: '1m',
    openTime,
    open: row[3],
    high: row[2],
    low: row[1],
    close: row[4],
    volume: row[5],
  });
}

/** Complete 1m candles with `fromOpen <= openTime < toOpen`, 300 a request. */
export async function coinbaseExchangeBackfill(
  req: BackfillRequest,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const out: Candle[] = [];
  const pageMs = COINBASE_EXCHANGE_CANDLES_LIMIT * MINUTE_MS;
  for (let start = req.fromOpen; start < req.toOpen; start += pageMs) {
    const end = Math.min(req.toOpen, start + pageMs) - MINUTE_MS;
    const rows = await get(
      `${restUrl}/products/${req.symbol}/candles?granularity=60` +
        `&start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`,
    );
    if (!Array.isArray(rows)) throw new MalformedFrameError('candles answer is not an array');
    out.push(...rows.map((r) => decodeCoinbaseExchangeCandle(r, req.symbol)));
  }
  return out;
}

/** The Coinbase Exchange feed dialect for {@link WebSocketSource}. */
export const coinbaseExchangeDialect: VenueDialect = Object.freeze({
  exchange: EXCHANGE,
  defaultUrl: COINBASE_EXCHANGE_WS_URL,
  defaultRestUrl: COINBASE_EXCHANGE_REST_URL,
  connectUrl: (base: string) => base,
  subscribeFrames,
  unsubscribeFrames,
  decode: decodeCoinbaseExchangeFrame,
  contiguousTradeIds: true,
  rateLimitCloseCodes: [1008],
  defaults: COINBASE_DEFAULTS,
  backfill: coinbaseExchangeBackfill,
});
