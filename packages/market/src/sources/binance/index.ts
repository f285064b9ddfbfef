/** @module The Binance source. */
export { createBinanceSource, binanceDialect } from './source.ts';
export { decodeBinanceFrame, decodeKline, decodeKlineRow } from './decode.ts';
export { binanceStreams } from './requests.ts';
export { klineFileName, parseKlineLine } from './kline-csv.ts';
export {
  BINANCE_WS_URL,
  BINANCE_REST_URL,
  BINANCE_DEFAULTS,
  BINANCE_MAX_LIFETIME_MS,
  BINANCE_CLOSE_TOO_MANY_REQUESTS,
} from './config.ts';
export type { BinanceSourceOptions } from './config.ts';
export { openKlineText } from './kline-file.ts';
export type { KlineText } from './kline-file.ts';
