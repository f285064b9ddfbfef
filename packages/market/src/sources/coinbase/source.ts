/**
 * @module The Coinbase source (Advanced Trade market data): `market_trades` plus `heartbeats`,
 * `sequence_num` gap detection per connection, trade ids for dedupe, public candles REST backfill.
 */
import type { VenueDialect } from '../network/dialect.ts';
import { WebSocketSource } from '../network/websocket-source.ts';
import { coinbaseBackfill } from './backfill.ts';
import {
  COINBASE_DEFAULTS,
  COINBASE_REST_URL,
  COINBASE_WS_URL,
  type CoinbaseSourceOptions,
} from './config.ts';
import { decodeCoinbaseFrame } from './decode.ts';
import { coinbaseSubscribeFrames, coinbaseUnsubscribeFrames } from './requests.ts';

/** The Coinbase dialect for {@link WebSocketSource}. */
export const coinbaseDialect: VenueDialect = Object.freeze({
  exchange: 'coinbase',
  defaultUrl: COINBASE_WS_URL,
  defaultRestUrl: COINBASE_REST_URL,
  connectUrl: (base: string) => base,
  subscribeFrames: coinbaseSubscribeFrames,
  unsubscribeFrames: coinbaseUnsubscribeFrames,
  decode: decodeCoinbaseFrame,
  contiguousTradeIds: false,
  rateLimitCloseCodes: [1008],
  defaults: COINBASE_DEFAULTS,
  backfill: coinbaseBackfill,
});

/** A Coinbase Advanced Trade source. */
export function createCoinbaseSource(options: CoinbaseSourceOptions = {}): WebSocketSource {
  return new WebSocketSource(coinbaseDialect, options);
}
