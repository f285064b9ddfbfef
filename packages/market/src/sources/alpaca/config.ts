/**
 * @module Alpaca market data (https://docs.alpaca.markets/docs/about-market-data-api): endpoints,
 * credentials, limits and timings. The stream is `wss://stream.data.alpaca.markets/v2/{feed}`;
 * history is `GET https://data.alpaca.markets/v2/stocks/{symbol}/bars`. Both authenticate with the
 * account's key id and secret (headers on REST, an `auth` message on the stream).
 */
import type { DialectDefaults } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';

export const ALPACA_WS_URL = 'wss://stream.data.alpaca.markets';
export const ALPACA_REST_URL = 'https://data.alpaca.markets';
/** The REST headers Alpaca reads the credentials from. */
export const ALPACA_KEY_HEADER = 'APCA-API-KEY-ID';
export const ALPACA_SECRET_HEADER = 'APCA-API-SECRET-KEY';
/** Bars per page of `GET /v2/stocks/{symbol}/bars` (the documented maximum). */
export const ALPACA_BARS_LIMIT = 10_000;
/** Longest wait for a rate-limit window to reset (`X-RateLimit-Reset`) before a request fails. */
export const ALPACA_MAX_RATE_WAIT_MS = 60_000;
/** 429 answers retried after waiting for the reset, per request. */
export const ALPACA_RATE_RETRIES = 3;

export const ALPACA_DEFAULTS: DialectDefaults = Object.freeze({
  // The stream sends nothing between trades and no heartbeat; a quiet symbol is not a dead link,
  // so silence is judged by the WebSocket ping the engine sends, with a long bound.
  silenceMs: 120_000,
  outbound: Object.freeze([{ limit: 10, windowMs: 1_000 }]),
  // One stream connection per account is allowed (a second gets error 406).
  connects: Object.freeze([{ limit: 1, windowMs: 1_000 }]),
});

/** The feeds of the stock stream: `iex` on the free plan, `sip` (all US exchanges) on paid ones. */
export type AlpacaFeed = 'iex' | 'sip' | 'delayed_sip';

/** Options for {@link createAlpacaSource}. */
export interface AlpacaSourceOptions extends NetworkSourceOptions {
  /** The API key id (`APCA-API-KEY-ID`). */
  keyId: string;
  /** The API secret (`APCA-API-SECRET-KEY`). */
  secretKey: string;
  /** @default 'iex' */
  feed?: AlpacaFeed;
}
