/**
 * @module The Binance source: combined streams (`/stream`, payloads wrapped as
 * `{"stream","data"}`), `SUBSCRIBE` with ids, ws's automatic pongs to the 20 s server pings,
 * a proactive reconnect before the 24 h cut and on `serverShutdown`, trade ids `t` for
 * dedupe and gaps, klines REST backfill.
 */
import { WebSocketSource } from '../network/websocket-source.ts';
import type { VenueDialect } from '../network/dialect.ts';
import { binanceBackfill } from './backfill.ts';
import {
  BINANCE_CLOSE_TOO_MANY_REQUESTS,
  BINANCE_DEFAULTS,
  BINANCE_REST_URL,
  BINANCE_WS_URL,
  type BinanceSourceOptions,
} from './config.ts';
import { decodeBinanceFrame } from './decode.ts';
import { binanceSubscribeFrames, binanceUnsubscribeFrames } from './requests.ts';

/** The Binance dialect for {@link WebSocketSource}. */
export const binanceDialect: VenueDialect = Object.freeze({
  exchange: 'binance',
  defaultUrl: BINANCE_WS_URL,
  defaultRestUrl: BINANCE_REST_URL,
  connectUrl: (base: string) => `${base.replace(/\/+$/, '')}/stream`,
  subscribeFrames: binanceSubscribeFrames,
  unsubscribeFrames: binanceUnsubscribeFrames,
  decode: decodeBinanceFrame,
  contiguousTradeIds: true,
  rateLimitCloseCodes: [BINANCE_CLOSE_TOO_MANY_REQUESTS],
  defaults: BINANCE_DEFAULTS,
  backfill: binanceBackfill,
});

/** A Binance spot source. */
export function createBinanceSource(options: BinanceSourceOptions = {}): WebSocketSource {
  return new WebSocketSource(binanceDialect, options);
}
