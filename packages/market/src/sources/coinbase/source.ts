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
import { coinbaseExchangeDialect } from './exchange-feed.ts';
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

/** A Coinbase source: Advanced Trade by default, or the Exchange feed with `feed: 'exchange'`. */
export function createCoinbaseSource(options: CoinbaseSourceOptions = {}): WebSocketSource {
  const { feed, ...rest } = options;
  return new WebSocketSource(feed === 'exchange' ? coinbaseExchangeDialect : coinbaseDialect, rest);
}
