/**
 * @module The `processed-events-prune` job: keeps the idempotency table of every SQL consumer
 * bounded (see store's `pruneProcessedEvents`), on the same scheduler and role as partition
 * upkeep — wherever projections run.
 */
import { pruneProcessedEvents, type Sql } from '@tickline/store';
import { DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE } from '../config.ts';
import type { JobDefinition } from './job-types.ts';

export const PRUNE_PROCESSED_EVENTS_JOB = 'processed-events-prune';
export { DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE };

/** Options for {@link pruneProcessedEventsJob}. */
export interface PruneProcessedEventsJobOptions {
  sql: Sql;
  /** @default store's DEFAULT_REDELIVERY_WINDOW_MS (one day) */
  redeliveryWindowMs?: number;
  /** @default '37 * * * *' (hourly) */
  schedule?: string;
}

/** The job; its run details are the rows deleted per consumer. */
export function pruneProcessedEventsJob(options: PruneProcessedEventsJobOptions): JobDefinition {
  return {
    name: PRUNE_PROCESSED_EVENTS_JOB,
    schedule: options.schedule ?? DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE,
    async run() {
      const result = await pruneProcessedEvents(
        options.sql,
        options.redeliveryWindowMs === undefined ? {} : { redeliveryWindowMs: options.redeliveryWindowMs },
      );
      return { deleted: result.deleted };
    },
  };
}
