/** @module The KIS (Korea Investment & Securities) Korean equities source. */
export { createKisSource, kisDialect } from './source.ts';
export { decodeKisFrame } from './decode.ts';
export { kisRequest } from './requests.ts';
export { KIS_WS_URL, KIS_REST_URL, KIS_DEFAULTS, KIS_TRADE_TR_ID } from './config.ts';
export type { KisSourceOptions } from './config.ts';
