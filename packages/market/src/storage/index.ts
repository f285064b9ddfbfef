/**
 * @module Market storage: time-partitioned trades and recorded candles, their projections, the
 * imported candle history (kept apart from retention), queries, quarantine.
 */
export { MARKET_TRADES_TABLE, MARKET_CANDLES_TABLE } from './market-tables.ts';
export {
  maintainMarketPartitions,
  resolvePartitionPolicies,
  DEFAULT_TRADE_PARTITIONS_AHEAD,
  DEFAULT_TRADE_RETENTION_MS,
  DEFAULT_CANDLE_PARTITIONS_AHEAD,
  DEFAULT_CANDLE_RETENTION_MS,
  DEFAULT_PARTITIONS_BEHIND,
  DEFAULT_CANDLE_INTERVAL_RETENTION_MS,
  DEFAULT_QUARANTINE_RETENTION_MS,
  DEFAULT_JOB_RUN_RETENTION_MS,
} from './partition-maintenance.ts';
export { importCandles, deleteUploadedCandles } from './candle-history.ts';
export {
  createTradeProjection,
  createCandleProjection,
  projectTrades,
  projectCandles,
  MARKET_TRADES_CONSUMER,
  MARKET_CANDLES_CONSUMER,
} from './projections.ts';
export {
  listMarkets,
  queryCandles,
  queryTrades,
  clampLimit,
  MAX_QUERY_LIMIT,
  DEFAULT_QUERY_LIMIT,
} from './queries.ts';
export { insertQuarantine, queryQuarantine } from './quarantine.ts';

export type {
  PartitionPolicy,
  PartitionMaintenanceOptions,
  PartitionMaintenanceResult,
  MarketPartitionMaintenanceResult,
  ResolvedPartitionPolicy,
} from './partition-maintenance.ts';
export type { MarketProjection, MarketProjectionOptions } from './projections.ts';
export type { MarketSummary, StoredCandle, CandleQuery, TradeQuery } from './queries.ts';
export type { QuarantineEntry, StoredQuarantineEntry, QuarantineQuery } from './quarantine.ts';
