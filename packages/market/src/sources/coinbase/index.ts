/** @module The Coinbase source. */
export { createCoinbaseSource, coinbaseDialect } from './source.ts';
export { decodeCoinbaseFrame, decodeCoinbaseCandle } from './decode.ts';
export { COINBASE_WS_URL, COINBASE_REST_URL, COINBASE_DEFAULTS } from './config.ts';
export type { CoinbaseSourceOptions } from './config.ts';
