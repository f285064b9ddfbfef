/** @module The market source port and the normalized stream's types. */
export { MarketKind, TradeSide, CandleInterval } from './market-message.ts';
export { SourceState } from './source-status.ts';
export { StatusFeed } from './status-feed.ts';
export { timerSleep } from './sleep.ts';
export type {
  Trade,
  Candle,
  TradeMessage,
  CandleMessage,
  DisconnectMessage,
  MarketMessage,
} from './market-message.ts';
export type { SourceStatusChange } from './source-status.ts';
export type { MarketSource } from './market-source.ts';
export type { Sleep } from './sleep.ts';
export {
  MarketErrorCodes,
  MarketError,
  isMarketSymbolUnknownError,
  isMarketCsvHeaderError,
  isMarketCsvRowInvalidError,
  isMarketVenueRateLimitedError,
} from './errors.ts';
