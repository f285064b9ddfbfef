/**
 * @module @tickline/market — market data: sources behind one port, normalization and validation,
 * candle aggregation and indicators. Domain math (candles, indicators) is pure and deterministic.
 */
export * from './indicators.ts';
export * from './port/index.ts';
export * from './normalize/index.ts';
export * from './candles/index.ts';
export * from './calendars/index.ts';
export {
  LiveIndicators,
  LIVE_INDICATOR_PARAMS,
  DEFAULT_LIVE_INDICATOR_INTERVALS,
} from './indicators/live/live-indicators.ts';
export type { LiveIndicatorValues } from './indicators/live/live-indicators.ts';
export * from './latest/index.ts';
export * from './cache/index.ts';
export * from './sources/simulator/index.ts';
export * from './sources/csv/index.ts';
export * from './collector/index.ts';
export * from './storage/index.ts';
export * from './jobs/index.ts';
export * from './sources/network/index.ts';
export * from './sources/binance/index.ts';
export * from './sources/upbit/index.ts';
export * from './sources/coinbase/index.ts';
export * from './sources/alpaca/index.ts';
export * from './sources/kis/index.ts';
export * from './history/index.ts';
export * from './corporate-actions/index.ts';
export * from './versions/index.ts';
export * from './archive/index.ts';
export {
  createSource,
  parseSourceConfig,
  sourceSubscription,
  SourceConfigSchema,
} from './sources/registry.ts';
export type { SourceConfig, SourceConfigInput, SourceKind, SourceDeps } from './sources/registry.ts';
export { marketModule } from './module/market-module.ts';
export { createMarketHost, MARKET_PARTS } from './module/market-host.ts';
export {
  createMarketDelivery,
  marketDelivery,
  marketChannel,
  MARKET_DELIVERY_CONSUMER,
  MARKET_DELIVERY_TYPES,
  TICKER_MESSAGE_TYPE,
} from './module/market-delivery.ts';
export { marketRoutes } from './module/market-routes.ts';
export { createMarketReads } from './module/market-reads.ts';
export type { MarketReads, MarketSummary } from './module/market-reads.ts';
export { CandlesQuerySchema, IndicatorQuerySchema } from './module/market-route-schemas.ts';
export { createConfiguredSources } from './module/market-sources.ts';
export { marketConfig, MarketSchema, MARKET_MIGRATIONS_DIR } from './config.ts';
export type { MarketHost, MarketHostDeps, MarketParts } from './module/market-host.ts';
export type { MarketDelivery, MarketDeliveryOptions } from './module/market-delivery.ts';
export type { MarketView, SourceView } from './module/market-view.ts';
export type { MarketSettings } from './config.ts';
