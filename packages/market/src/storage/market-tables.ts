/** @module The time-partitioned market tables (migration 0004), for store's partition helpers. */
import { PartitionPeriod, type PartitionedTable } from '@tickline/store';

/** `market_trades`: daily partitions on the trade's exchange time. */
export const MARKET_TRADES_TABLE: PartitionedTable = Object.freeze({
  table: 'market_trades',
  column: 'exchange_time',
  period: PartitionPeriod.Day,
});

/** `market_candles`: monthly partitions on the candle's open time. */
export const MARKET_CANDLES_TABLE: PartitionedTable = Object.freeze({
  table: 'market_candles',
  column: 'open_time',
  period: PartitionPeriod.Month,
});
