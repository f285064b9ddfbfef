/**
 * @module Partition maintenance of `platform_movements` (daily partitions on the event time),
 * with store's helpers (`ensurePartitions`, `dropPartitionsBefore`): partitions are created a few
 * days ahead so inserts land in them, and whole days past the retention are dropped (cheaper than
 * deleting rows). Partitions are per table, so the retention holds for every consumer group.
 */
import {
  dropPartitionsBefore,
  ensurePartitions,
  PartitionPeriod,
  partitionsAround,
  type PartitionedTable,
  type Sql,
} from '@tickline/store';
import { DEFAULT_MOVEMENT_RETENTION_DAYS } from '../config.ts';

const DAY_MS = 86_400_000;

/** The movement history table. */
export const PLATFORM_MOVEMENTS_TABLE: PartitionedTable = Object.freeze({
  table: 'platform_movements',
  column: 'at',
  period: PartitionPeriod.Day,
});

export { DEFAULT_MOVEMENT_RETENTION_DAYS };
/** Daily partitions created ahead of today. */
export const DEFAULT_MOVEMENT_PARTITIONS_AHEAD = 3;

/** Options for {@link maintainMovementPartitions}. */
export interface MovementPartitionOptions {
  nowMs: number;
  /** @default 30 */
  retentionDays?: number;
  /** @default 3 */
  partitionsAhead?: number;
}

/** What one maintenance run did. */
export interface MovementPartitionResult {
  created: string[];
  dropped: string[];
  defaultRowsDeleted: number;
}

/** Creates the partitions around now and drops those past the retention. Safe to run concurrently. */
export async function maintainMovementPartitions(
  sql: Sql,
  options: MovementPartitionOptions,
): Promise<MovementPartitionResult> {
  const { table, period } = PLATFORM_MOVEMENTS_TABLE;
  const ahead = options.partitionsAhead ?? DEFAULT_MOVEMENT_PARTITIONS_AHEAD;
  const created = await ensurePartitions(
    sql,
    PLATFORM_MOVEMENTS_TABLE,
    partitionsAround(table, period, options.nowMs, 1, ahead),
  );
  const cutoffMs = options.nowMs - (options.retentionDays ?? DEFAULT_MOVEMENT_RETENTION_DAYS) * DAY_MS;
  const { dropped, defaultRowsDeleted } = await dropPartitionsBefore(sql, PLATFORM_MOVEMENTS_TABLE, cutoffMs);
  return { created, dropped, defaultRowsDeleted };
}
