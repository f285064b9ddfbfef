/** @module Candle aggregation and the market event types. */
export { INTERVAL_MS, ALL_INTERVALS, bucketStart, isCandleInterval, utcBucket } from './intervals.ts';
export { CandleAggregator, DEFAULT_CANDLE_GRACE_MS } from './aggregator.ts';
export {
  tradeSchema,
  candleSchema,
  MarketTrade,
  MarketCandleUpdated,
  MarketCandleClosed,
  MarketHistoryChanged,
  marketHistoryChangeSchema,
  MarketSourceStatus,
  MarketIndicatorsUpdated,
  MARKET_EVENTS,
} from './events.ts';
export { LIVE_ONLY_MARKET_EVENT_TYPES, routeLiveOnly } from './live-only.ts';
export type { CandleOutput, CandleAggregatorOptions } from './aggregator.ts';
export type { CandleBucket, CandleBucketer } from './intervals.ts';
export type { RouteLiveOnlyOptions } from './live-only.ts';
