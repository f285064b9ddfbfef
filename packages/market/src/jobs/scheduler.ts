/**
 * @module The job scheduler: named jobs on cron schedules, never two runs of one job at once (a
 * scheduled time that finds the job running is skipped and counted), every run recorded with its
 * status, duration and error, in memory for the status API and optionally through a recorder.
 * It owns no timer: one kernel beat (`createBeatService`, the platform's single way to do periodic
 * work) looks every `beatMs` for jobs whose cron time has come and for runs past their timeout.
 * A `Service`: `start` starts the beat, `stop` stops it, aborts running runs and waits for them.
 */
import {
  Counter,
  createBeatService,
  getOrCreateMetric,
  Histogram,
  ServiceStatus,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { MarketError } from '../port/errors.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import {
  JobRunStatus,
  JobTrigger,
  type JobDefinition,
  type JobRun,
  type JobRunRecorder,
  type JobStatus,
} from './job-types.ts';
import { JobState } from './job-state.ts';

/** Runs kept per job for the status API. */
export const DEFAULT_JOB_HISTORY_SIZE = 20;
/**
 * How often the beat looks for due jobs: a run starts at most this late, and a timeout fires at
 * most this late. Cron times are whole seconds, so a second loses nothing.
 */
export const DEFAULT_JOB_BEAT_MS = 1_000;

/** Options for {@link createJobScheduler}. */
export interface JobSchedulerOptions {
  jobs?: readonly JobDefinition[];
  /** Service name. @default 'market-jobs' */
  name?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default DEFAULT_JOB_BEAT_MS (1 s) */
  beatMs?: number;
  /** Also records runs elsewhere (e.g. `createSqlJobRunRecorder`); its failures are logged only. */
  recorder?: JobRunRecorder;
  /** Where `tickline_market_job_runs_total` and `…_duration_seconds` live. @default none */
  metrics?: Registry;
  /** @default 20 */
  historySize?: number;
  /** Used until `start` hands over the host's. @default silentLogger */
  logger?: Logger;
}

/** The scheduler as the server sees it. */
export interface JobScheduler extends Service {
  /** Adds a job; when started, it is scheduled at once. */
  register(job: JobDefinition): void;
  /** Every job, in registration order. */
  status(): JobStatus[];
  /**
   * Runs `name` now, outside its schedule, and resolves with the finished run.
   * @throws MarketError MARKET_JOB_UNKNOWN, or MARKET_JOB_RUNNING while a run is in progress.
   */
  runNow(name: string): Promise<JobRun>;
  /**
   * Starts every job whose scheduled time has come (or counts it skipped while it still runs) and
   * aborts runs past their timeout. The beat calls it every `beatMs` while started; a test on a
   * manual clock calls it after moving the clock.
   */
  runDue(): void;
}

function jobMetrics(registry: Registry | undefined) {
  if (!registry) return undefined;
  return {
    runs: getOrCreateMetric(
      registry,
      'tickline_market_job_runs_total',
      () =>
        new Counter({
          name: 'tickline_market_job_runs_total',
          help: 'Scheduled job runs by job and outcome (skipped: the previous run was still going).',
          labelNames: ['job', 'status'],
          registers: [registry],
        }),
    ),
    duration: getOrCreateMetric(
      registry,
      'tickline_market_job_duration_seconds',
      () =>
        new Histogram({
          name: 'tickline_market_job_duration_seconds',
          help: 'Duration of finished job runs.',
          labelNames: ['job', 'status'],
          buckets: [0.01, 0.1, 1, 10, 60, 600],
          registers: [registry],
        }),
    ),
  };
}

/**
 * Creates the scheduler.
 * @example
 * const jobs = createJobScheduler({ jobs: [partitionMaintenanceJob({ sql, schedule: '5 * * * *' })] });
 * host.add(jobs); // later: jobs.status(), await jobs.runNow('partition-maintenance')
 */
export function createJobScheduler(options: JobSchedulerOptions = {}): JobScheduler {
  const clock = options.clock ?? systemClock;
  const historySize = options.historySize ?? DEFAULT_JOB_HISTORY_SIZE;
  const metrics = jobMetrics(options.metrics);
  const jobs = new Map<string, JobState>();
  const name = options.name ?? 'market-jobs';
  let logger = options.logger ?? silentLogger;
  let started = false;

  /** The next cron time after the later of now and the time that fired last, so none fires twice. */
  function arm(state: JobState): void {
    state.nextRunAt = started
      ? state.schedule.next(Math.max(clock.now(), state.lastDueMs ?? -Infinity))
      : null;
  }

  function runDue(): void {
    const nowMono = clock.monotonic();
    for (const state of jobs.values()) {
      if (state.running && state.deadlineMono !== undefined && nowMono >= state.deadlineMono) {
        state.deadlineMono = undefined;
        state.controller?.abort(new Error(`timed out after ${state.job.timeoutMs} ms`));
      }
    }
    if (!started) return;
    const now = clock.now();
    for (const state of jobs.values()) {
      if (state.nextRunAt === null || state.nextRunAt > now) continue;
      state.lastDueMs = state.nextRunAt;
      arm(state);
      if (state.running) {
        state.skipped++;
        metrics?.runs.inc({ job: state.job.name, status: 'skipped' });
        logger.warn({ job: state.job.name }, 'job still running at its next scheduled time; skipped');
      } else void execute(state, JobTrigger.Schedule);
    }
  }

  const beat = createBeatService({
    name: `${name}-beat`,
    intervalMs: options.beatMs ?? DEFAULT_JOB_BEAT_MS,
    beat: async () => runDue(),
  });

  async function record<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      logger.warn({ err: error }, `job run recorder failed (${what})`);
      return undefined;
    }
  }

  async function execute(state: JobState, trigger: JobTrigger): Promise<JobRun> {
    const run = state.begin(trigger, clock.now(), historySize);
    const startedMono = clock.monotonic();
    const controller = state.controller!;
    state.deadlineMono = state.job.timeoutMs === undefined ? undefined : startedMono + state.job.timeoutMs;
    const handle = options.recorder
      ? await record('run start', () => options.recorder!.started(run))
      : undefined;
    try {
      const details = await state.job.run(controller.signal);
      if (details) run.details = details;
      run.status = JobRunStatus.Succeeded;
    } catch (error) {
      const stopped = controller.signal.aborted && state.stopping;
      run.status = stopped ? JobRunStatus.Cancelled : JobRunStatus.Failed;
      const reason: unknown = controller.signal.aborted && !stopped ? controller.signal.reason : error;
      run.error = reason instanceof Error ? reason.message : String(reason);
      if (!stopped) logger.warn({ job: run.job, err: error }, 'job run failed');
    } finally {
      state.deadlineMono = undefined;
    }
    run.finishedAt = clock.now();
    run.durationMs = clock.monotonic() - startedMono;
    state.finish(run);
    metrics?.runs.inc({ job: run.job, status: run.status });
    metrics?.duration.observe({ job: run.job, status: run.status }, run.durationMs / 1000);
    if (options.recorder) await record('run end', () => options.recorder!.finished(handle, run));
    return run;
  }

  const scheduler: JobScheduler = {
    name,
    runDue,
    register(job) {
      if (jobs.has(job.name)) throw new RangeError(`job "${job.name}" is registered twice`);
      const state = new JobState(job, parseCronSchedule(job.schedule));
      jobs.set(job.name, state);
      if (started) arm(state);
    },
    status: () => [...jobs.values()].map((s) => s.status()),
    async runNow(name) {
      const state = jobs.get(name);
      if (!state)
        throw new MarketError('MARKET_JOB_UNKNOWN', `no job named "${name}"`, { details: { name } });
      if (state.running) {
        throw new MarketError('MARKET_JOB_RUNNING', `job "${name}" is running`, { details: { name } });
      }
      return execute(state, JobTrigger.Manual);
    },
    async start(context: ServiceContext) {
      logger = context.logger;
      const recent = options.recorder?.recent?.bind(options.recorder);
      if (recent) {
        for (const state of jobs.values()) {
          const runs = await record('history', () => recent(state.job.name, historySize));
          if (runs) state.restore(runs, historySize);
        }
      }
      started = true;
      for (const state of jobs.values()) {
        state.stopping = false;
        arm(state);
        if (state.job.runOnStart && !state.running) void execute(state, JobTrigger.Start);
      }
      await beat.start(context);
    },
    async stop() {
      await beat.stop();
      started = false;
      const running: Promise<unknown>[] = [];
      for (const state of jobs.values()) {
        state.nextRunAt = null;
        state.stopping = true;
        if (state.running) {
          state.controller?.abort(new Error('job scheduler stopping'));
          running.push(state.done!);
        }
      }
      await Promise.allSettled(running);
    },
    health(): ServiceHealth {
      const failing = [...jobs.values()].filter((s) => s.lastFinished?.status === JobRunStatus.Failed);
      if (failing.length === 0) return { status: started ? ServiceStatus.Up : ServiceStatus.Stopped };
      return {
        status: ServiceStatus.Degraded,
        detail: failing.map((s) => `${s.job.name}: ${s.lastFinished!.error ?? 'failed'}`).join('; '),
      };
    },
  };
  for (const job of options.jobs ?? []) scheduler.register(job);
  return scheduler;
}
