/** @module Upbit quotation WebSocket: endpoints, limits and timings (https://global-docs.upbit.com/reference/websocket-guide). */
import type { DialectDefaults } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';

export const UPBIT_WS_URL = 'wss://api.upbit.com';
export const UPBIT_REST_URL = 'https://api.upbit.com';
export const UPBIT_WS_PATH = '/websocket/v1';
/** The server closes after ~120 s idle; `PING` is answered with `{"status":"UP"}`. */
export const UPBIT_KEEPALIVE_MS = 10_000;
/** Rows per `GET /v1/candles/minutes/1`. */
export const UPBIT_CANDLES_LIMIT = 200;

export const UPBIT_DEFAULTS: DialectDefaults = Object.freeze({
  // Status answers come every 10 s after a PING, trades in between: 25 s of nothing is a dead link.
  silenceMs: 25_000,
  keepaliveMs: UPBIT_KEEPALIVE_MS,
  outbound: Object.freeze([
    { limit: 5, windowMs: 1_000 },
    { limit: 100, windowMs: 60_000 },
  ]),
  connects: Object.freeze([{ limit: 5, windowMs: 1_000 }]),
});

/** Options for {@link createUpbitSource}. */
export type UpbitSourceOptions = NetworkSourceOptions;
