/** @module Scheduled market jobs: the cron scheduler, partition maintenance, backfill, run records. */
export { createJobScheduler, DEFAULT_JOB_HISTORY_SIZE, DEFAULT_JOB_BEAT_MS } from './scheduler.ts';
export { JobRunStatus, JobTrigger } from './job-types.ts';
export { parseCronSchedule } from './cron-schedule.ts';
export {
  partitionMaintenanceJob,
  PARTITION_MAINTENANCE_JOB,
  DEFAULT_PARTITION_MAINTENANCE_SCHEDULE,
} from './partition-job.ts';
export { backfillJob, DEFAULT_BACKFILL_LOOKBACK_MS } from './backfill-job.ts';
export {
  pruneProcessedEventsJob,
  PRUNE_PROCESSED_EVENTS_JOB,
  DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE,
} from './prune-processed-job.ts';
export { createSqlJobRunRecorder, queryJobRuns } from './sql-job-runs.ts';
export { isMarketJobUnknownError, isMarketJobRunningError } from '../port/errors.ts';

export type { JobScheduler, JobSchedulerOptions } from './scheduler.ts';
export type { JobDefinition, JobRun, JobRunDetails, JobRunRecorder, JobStatus } from './job-types.ts';
export type { CronSchedule } from './cron-schedule.ts';
export type { PartitionMaintenanceJobOptions } from './partition-job.ts';
export type { BackfillJobOptions, BackfillWindow } from './backfill-job.ts';
export type { PruneProcessedEventsJobOptions } from './prune-processed-job.ts';
