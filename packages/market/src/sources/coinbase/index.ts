/** @module The Coinbase source. */
export { createCoinbaseSource, coinbaseDialect } from './source.ts';
export { decodeCoinbaseFrame, decodeCoinbaseCandle } from './decode.ts';
export { COINBASE_WS_URL, COINBASE_REST_URL, COINBASE_DEFAULTS, CoinbaseFeed } from './config.ts';
export {
  coinbaseExchangeDialect,
  decodeCoinbaseExchangeFrame,
  decodeCoinbaseExchangeCandle,
  COINBASE_EXCHANGE_WS_URL,
  COINBASE_EXCHANGE_REST_URL,
} from './exchange-feed.ts';
export type { CoinbaseSourceOptions } from './config.ts';
