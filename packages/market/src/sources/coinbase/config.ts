/**
 * @module Coinbase Advanced Trade market data WebSocket: endpoints, limits and timings
 * (https://docs.cdp.coinbase.com/advanced-trade/docs/ws-overview; see the sources README for assumptions).
 */
import type { DialectDefaults } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';

export const COINBASE_WS_URL = 'wss://advanced-trade-ws.coinbase.com';
export const COINBASE_REST_URL = 'https://api.coinbase.com';
/** `heartbeats` arrive every second; five missed ones mean the connection is dead. */
export const COINBASE_HEARTBEAT_MS = 1_000;
/** Candles per public candles request (the API allows up to 350). */
export const COINBASE_CANDLES_LIMIT = 300;

export const COINBASE_DEFAULTS: DialectDefaults = Object.freeze({
  silenceMs: 5 * COINBASE_HEARTBEAT_MS,
  outbound: Object.freeze([{ limit: 8, windowMs: 1_000 }]),
  connects: Object.freeze([{ limit: 8, windowMs: 1_000 }]),
});

/** Which Coinbase feed to speak. */
export const CoinbaseFeed = { AdvancedTrade: 'advanced-trade', Exchange: 'exchange' } as const;
export type CoinbaseFeed = (typeof CoinbaseFeed)[keyof typeof CoinbaseFeed];

/** Options for {@link createCoinbaseSource}. */
export interface CoinbaseSourceOptions extends NetworkSourceOptions {
  /**
   * `advanced-trade` (`market_trades` + `heartbeats`, `sequence_num`) or `exchange` (the Exchange
   * feed: `matches` + `heartbeat`, contiguous `trade_id`). @default 'advanced-trade'
   */
  feed?: CoinbaseFeed;
}
