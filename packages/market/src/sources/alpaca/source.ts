/**
 * @module The Alpaca US equities source: the stock stream with its auth message, trades (`T:t`)
 * and minute bars (`T:b`), symbols as `TICKER.US`; REST minute-bar backfill with key headers,
 * `next_page_token` paging and the `X-RateLimit-*` headers obeyed.
 */
import type { VenueDialect } from '../network/dialect.ts';
import { WebSocketSource } from '../network/websocket-source.ts';
import { alpacaBackfill } from './backfill.ts';
import { ALPACA_DEFAULTS, ALPACA_REST_URL, ALPACA_WS_URL, type AlpacaSourceOptions } from './config.ts';
import { decodeAlpacaFrame } from './decode.ts';
import { alpacaSubscribeFrames, alpacaUnsubscribeFrames, type AlpacaCredentials } from './requests.ts';
import { createAlpacaFetch } from './rest.ts';

/** The Alpaca dialect for one account and feed. */
export function alpacaDialect(
  credentials: AlpacaCredentials,
  feed: AlpacaSourceOptions['feed'] = 'iex',
): VenueDialect {
  return Object.freeze({
    exchange: 'alpaca',
    defaultUrl: ALPACA_WS_URL,
    defaultRestUrl: ALPACA_REST_URL,
    connectUrl: (base: string) => `${base.replace(/\/+$/, '')}/v2/${feed}`,
    subscribeFrames: alpacaSubscribeFrames(credentials),
    unsubscribeFrames: alpacaUnsubscribeFrames,
    decode: decodeAlpacaFrame,
    contiguousTradeIds: false,
    rateLimitCloseCodes: [],
    defaults: ALPACA_DEFAULTS,
    backfill: alpacaBackfill(feed),
  });
}

/** An Alpaca market-data source for US shares (`AAPL.US`). */
export function createAlpacaSource(options: AlpacaSourceOptions): WebSocketSource {
  const { keyId, secretKey, feed, ...network } = options;
  const fetch = createAlpacaFetch({
    keyId,
    secretKey,
    ...(network.fetch ? { fetch: network.fetch } : {}),
    ...(network.clock ? { clock: network.clock } : {}),
    ...(network.sleep ? { sleep: network.sleep } : {}),
  });
  return new WebSocketSource(alpacaDialect({ keyId, secretKey }, feed), { ...network, fetch });
}
