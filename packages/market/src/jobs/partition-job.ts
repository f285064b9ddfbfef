/**
 * @module The `partition-maintenance` job: old months archived to Parquet first (when the archive
 * is on, archive/), then partitions created ahead and expired ones dropped.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import {
  maintainMarketPartitions,
  resolvePartitionPolicies,
  type PartitionMaintenanceOptions,
} from '../storage/partition-maintenance.ts';
import { archiveOldCandles, type ArchiveCandlesOptions } from '../archive/archive-candles.ts';
import type { JobDefinition } from './job-types.ts';

/** The job's name in the status API. */
export const PARTITION_MAINTENANCE_JOB = 'partition-maintenance';
/** Hourly at minute 7: well before a day's partition is needed, off the top of the hour. */
export const DEFAULT_PARTITION_MAINTENANCE_SCHEDULE = '7 * * * *';

/** Options for {@link partitionMaintenanceJob}. */
export interface PartitionMaintenanceJobOptions extends PartitionMaintenanceOptions {
  /** The open database. */
  sql: Sql;
  /** @default '7 * * * *' (hourly) */
  schedule?: string;
  /** @default true: partitions exist before the first write of a fresh database */
  runOnStart?: boolean;
  /** @default systemClock */
  clock?: Clock;
  /** Archive recorded candles of old months before the retention runs. @default off */
  archive?: Omit<ArchiveCandlesOptions, 'signal'>;
}

/** The job; its run details are the partitions created and dropped per table. */
export function partitionMaintenanceJob(options: PartitionMaintenanceJobOptions): JobDefinition {
  resolvePartitionPolicies(options); // a bad policy fails at wiring, not at 3 a.m.
  const clock = options.clock ?? systemClock;
  return {
    name: PARTITION_MAINTENANCE_JOB,
    schedule: options.schedule ?? DEFAULT_PARTITION_MAINTENANCE_SCHEDULE,
    runOnStart: options.runOnStart ?? true,
    async run(signal) {
      const nowMs = clock.now();
      // Before the retention: a month is archived while its partition still exists.
      const archived = options.archive
        ? await archiveOldCandles(options.sql, nowMs, { ...options.archive, signal })
        : undefined;
      const result = await maintainMarketPartitions(options.sql, nowMs, options);
      if (!archived) return { ...result };
      const { files, ...totals } = archived;
      return {
        ...result,
        archive: {
          ...totals,
          files: files.length,
          months: files.slice(0, 20).map((f) => `${f.symbol} ${f.interval} ${f.month}`),
        },
      };
    },
  };
}
