/** @module Binance spot market streams: endpoints, limits and timings (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams). */
import type { DialectDefaults } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';

export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';
export const BINANCE_REST_URL = 'https://api.binance.com';
/** The server pings every 20 s; two missed pings mean the connection is dead. */
export const BINANCE_PING_INTERVAL_MS = 20_000;
/** Binance cuts every connection at 24 h; reconnect ten minutes before. */
export const BINANCE_MAX_LIFETIME_MS = 24 * 3_600_000 - 10 * 60_000;
/** Streams per SUBSCRIBE request (the connection allows 1024). */
export const BINANCE_STREAMS_PER_REQUEST = 200;
/** Rows per `GET /api/v3/klines`. */
export const BINANCE_KLINES_LIMIT = 1_000;
/** Close code for "Too many requests" (over 5 incoming messages/s). */
export const BINANCE_CLOSE_TOO_MANY_REQUESTS = 1008;

export const BINANCE_DEFAULTS: DialectDefaults = Object.freeze({
  silenceMs: 2 * BINANCE_PING_INTERVAL_MS,
  maxLifetimeMs: BINANCE_MAX_LIFETIME_MS,
  // 5 client messages/s per connection count pongs too; ws answers pings itself, so keep one slot.
  outbound: Object.freeze([{ limit: 4, windowMs: 1_000 }]),
  connects: Object.freeze([{ limit: 300, windowMs: 300_000 }]),
});

/** Options for {@link createBinanceSource}. */
export type BinanceSourceOptions = NetworkSourceOptions;
