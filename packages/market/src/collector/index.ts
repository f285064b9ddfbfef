/** @module The market collector: sources → validation → latest store, candles → publisher. */
export {
  createMarketCollector,
  DEFAULT_CANDLE_UPDATE_INTERVAL_MS,
  IDLE_CLOSE_DELAY_MS,
} from './collector.ts';
export { createCollectorMetrics } from './collector-metrics.ts';
export {
  QuarantineBuffer,
  DEFAULT_QUARANTINE_BATCH_ROWS,
  DEFAULT_QUARANTINE_FLUSH_INTERVAL_MS,
  DEFAULT_QUARANTINE_MAX_BUFFERED_ROWS,
} from './quarantine-buffer.ts';
export { SourceIngest } from './source-ingest.ts';
export { PUMP_YIELD_EVERY_MESSAGES, PUMP_YIELD_EVERY_MS } from './source-run.ts';
export { packTrade, TRADE_CODEC_URL, TRADE_TAG } from './trade-packing.ts';
export type { MarketCollector, MarketCollectorOptions, CollectorSource } from './collector.ts';
export type { CollectorMetrics } from './collector-metrics.ts';
export type { QuarantinedMessage, QuarantineSink, QuarantineBufferOptions } from './quarantine-buffer.ts';
export type { SourceIngestOptions, SourceIngestStats, PublishEvent } from './source-ingest.ts';
export type { SourceReport } from './source-run.ts';
export type { PackedBytes, PackedLane, PackedTradeReader } from './trade-packing.ts';
