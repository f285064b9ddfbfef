/** @module The Upbit source. */
export { createUpbitSource, upbitDialect } from './source.ts';
export { decodeUpbitFrame, decodeUpbitCandle } from './decode.ts';
export { upbitRequest } from './requests.ts';
export { UPBIT_WS_URL, UPBIT_REST_URL, UPBIT_DEFAULTS } from './config.ts';
export type { UpbitSourceOptions } from './config.ts';
