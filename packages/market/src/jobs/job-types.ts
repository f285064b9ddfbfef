/** @module What a scheduled job is, what one run of it reports, and a job's status for the API. */

/** How a run ended (or that it is still going). */
export const JobRunStatus = {
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  /** Aborted by the scheduler stopping. */
  Cancelled: 'cancelled',
} as const;
export type JobRunStatus = (typeof JobRunStatus)[keyof typeof JobRunStatus];

/** What started a run. */
export const JobTrigger = { Schedule: 'schedule', Manual: 'manual', Start: 'start' } as const;
export type JobTrigger = (typeof JobTrigger)[keyof typeof JobTrigger];

/** Numbers or facts a run reports (rows written, partitions created); shown in the status API. */
export type JobRunDetails = Record<string, unknown>;

/** A job the scheduler runs. */
export interface JobDefinition {
  /** Unique; the status API and `runNow` use it. */
  readonly name: string;
  /** Cron expression in UTC (5 fields, or 6 with seconds first), usually from config. */
  readonly schedule: string;
  /**
   * Does the work. `signal` aborts when the scheduler stops or the run times out; a job should
   * stop early then. Throwing marks the run failed; the next scheduled run happens as usual.
   */
  run(signal: AbortSignal): Promise<JobRunDetails | void>;
  /** Abort a run that takes longer (it is then recorded as failed). @default none */
  readonly timeoutMs?: number;
  /** Also run once when the scheduler starts. @default false */
  readonly runOnStart?: boolean;
}

/** One run of a job. */
export interface JobRun {
  readonly job: string;
  readonly trigger: JobTrigger;
  status: JobRunStatus;
  /** Epoch ms. */
  readonly startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  /** The error's message, for failed runs. */
  error?: string;
  details?: JobRunDetails;
}

/** A job as the status API shows it. */
export interface JobStatus {
  name: string;
  schedule: string;
  /** Epoch ms of the next scheduled run; null when stopped or the schedule has no next time. */
  nextRunAt: number | null;
  running: boolean;
  /** The run in progress, else the latest one. */
  lastRun?: JobRun;
  lastSuccessAt?: number;
  /** Runs finished since start, and how many of them failed. */
  runs: number;
  failures: number;
  /** Scheduled times skipped because the previous run was still going. */
  skipped: number;
  /** The latest runs, newest first. */
  history: JobRun[];
}

/** Where runs are recorded besides memory (e.g. the `market_job_runs` table). */
export interface JobRunRecorder {
  /** Called when a run starts; the value returned is handed to `finished`. */
  started(run: Readonly<JobRun>): Promise<unknown>;
  finished(handle: unknown, run: Readonly<JobRun>): Promise<void>;
  /** The latest recorded runs of `job`, newest first: the status API's history after a restart. */
  recent?(job: string, limit: number): Promise<JobRun[]>;
}
