/** @module The `partition-maintenance` job: partitions created ahead, expired ones dropped. */
import { systemClock, type Clock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import {
  maintainMarketPartitions,
  resolvePartitionPolicies,
  type PartitionMaintenanceOptions,
} from '../storage/partition-maintenance.ts';
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
}

/** The job; its run details are the partitions created and dropped per table. */
export function partitionMaintenanceJob(options: PartitionMaintenanceJobOptions): JobDefinition {
  resolvePartitionPolicies(options); // a bad policy fails at wiring, not at 3 a.m.
  const clock = options.clock ?? systemClock;
  return {
    name: PARTITION_MAINTENANCE_JOB,
    schedule: options.schedule ?? DEFAULT_PARTITION_MAINTENANCE_SCHEDULE,
    runOnStart: options.runOnStart ?? true,
    async run() {
      const result = await maintainMarketPartitions(options.sql, clock.now(), options);
      return { ...result };
    },
  };
}
