/** @module The Alpaca US equities source. */
export { createAlpacaSource, alpacaDialect } from './source.ts';
export { decodeAlpacaFrame, decodeAlpacaBar, AlpacaStreamError } from './decode.ts';
export { alpacaAuthFrame } from './requests.ts';
export { createAlpacaFetch } from './rest.ts';
export {
  fetchAlpacaCorporateActions,
  decodeAlpacaCorporateActions,
  ALPACA_ACTIONS_LIMIT,
} from './corporate-actions.ts';
export type { AlpacaCorporateActionsOptions } from './corporate-actions.ts';
export { ALPACA_WS_URL, ALPACA_REST_URL, ALPACA_DEFAULTS } from './config.ts';
export type { AlpacaSourceOptions, AlpacaFeed } from './config.ts';
export type { AlpacaFetchOptions } from './rest.ts';
