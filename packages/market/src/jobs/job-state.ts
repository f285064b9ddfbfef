/** @module One job's bookkeeping inside the scheduler: its next time, the run in progress, history and counts. */
import type { CronSchedule } from './cron-schedule.ts';
import {
  JobRunStatus,
  type JobDefinition,
  type JobRun,
  type JobStatus,
  type JobTrigger,
} from './job-types.ts';

export class JobState {
  readonly job: JobDefinition;
  readonly schedule: CronSchedule;
  nextRunAt: number | null = null;
  /** The scheduled time that fired last; the next one is computed after it, so none fires twice. */
  lastDueMs: number | undefined;
  /** Set while the scheduler stops, so an aborted run counts as cancelled, not failed. */
  stopping = false;
  controller: AbortController | undefined;
  /** Monotonic time at which the run in progress times out; undefined without a timeout. */
  deadlineMono: number | undefined;
  /** Settles when the run in progress has finished. */
  done: Promise<void> | undefined;
  skipped = 0;
  #current: JobRun | undefined;
  #resolveDone: (() => void) | undefined;
  #history: JobRun[] = [];
  #historySize = 0;
  #runs = 0;
  #failures = 0;
  #lastSuccessAt: number | undefined;

  constructor(job: JobDefinition, schedule: CronSchedule) {
    this.job = job;
    this.schedule = schedule;
  }

  get running(): boolean {
    return this.#current !== undefined;
  }

  /** The latest finished run. */
  get lastFinished(): JobRun | undefined {
    return this.#history[0];
  }

  /** Marks a run as started and returns it (mutated until it finishes). */
  begin(trigger: JobTrigger, nowMs: number, historySize: number): JobRun {
    this.#historySize = historySize;
    this.controller = new AbortController();
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#current = { job: this.job.name, trigger, status: JobRunStatus.Running, startedAt: nowMs };
    return this.#current;
  }

  finish(run: JobRun): void {
    this.#current = undefined;
    this.controller = undefined;
    this.#runs++;
    if (run.status === JobRunStatus.Failed) this.#failures++;
    if (run.status === JobRunStatus.Succeeded) this.#lastSuccessAt = run.finishedAt;
    this.#history.unshift(run);
    this.#history.length = Math.min(this.#history.length, this.#historySize);
    this.#resolveDone?.();
  }

  /** Seeds the history with runs recorded before this process (finished ones only). */
  restore(runs: readonly JobRun[], historySize: number): void {
    if (this.#history.length > 0 || this.#current) return;
    this.#historySize = historySize;
    this.#history = runs.filter((r) => r.status !== JobRunStatus.Running).slice(0, historySize);
    this.#lastSuccessAt = this.#history.find((r) => r.status === JobRunStatus.Succeeded)?.finishedAt;
  }

  status(): JobStatus {
    const copy = (run: JobRun): JobRun => ({ ...run });
    const lastRun = this.#current ?? this.#history[0];
    return {
      name: this.job.name,
      schedule: this.schedule.expression,
      nextRunAt: this.nextRunAt,
      running: this.running,
      ...(lastRun ? { lastRun: copy(lastRun) } : {}),
      ...(this.#lastSuccessAt === undefined ? {} : { lastSuccessAt: this.#lastSuccessAt }),
      runs: this.#runs,
      failures: this.#failures,
      skipped: this.skipped,
      history: this.#history.map(copy),
    };
  }
}
