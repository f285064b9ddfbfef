import { ManualClock, ServiceStatus, silentLogger, systemClock } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { backfillJob, type BackfillWindow } from './backfill-job.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import type { JobDefinition, JobRun, JobRunRecorder } from './job-types.ts';
import { createJobScheduler, DEFAULT_JOB_BEAT_MS, type JobScheduler } from './scheduler.ts';

const context = { logger: silentLogger, fail: () => undefined };
const MINUTE = 60_000;
/** 2026-03-15 12:01:30 UTC. */
const T0 = Date.UTC(2026, 2, 15, 12, 1, 30);
const at = (h: number, m: number, s = 0) => Date.UTC(2026, 2, 15, h, m, s);

/**
 * The beat on a manual clock: moves the clock one beat at a time and asks the scheduler for due
 * jobs after each, letting the runs it started proceed in between.
 */
function beats(clock: ManualClock, scheduler: JobScheduler) {
  return {
    async advance(ms: number): Promise<void> {
      const target = clock.now() + ms;
      do {
        clock.advance(Math.min(DEFAULT_JOB_BEAT_MS, target - clock.now()));
        scheduler.runDue();
        await new Promise<void>((resolve) => setImmediate(resolve));
      } while (clock.now() < target);
    },
  };
}

function setup(jobs: JobDefinition[], recorder?: JobRunRecorder) {
  const clock = new ManualClock(T0);
  // A beat far longer than any test: only the test's own beats run.
  const scheduler = createJobScheduler({ jobs, clock, beatMs: 3_600_000, ...(recorder ? { recorder } : {}) });
  return { clock, timers: beats(clock, scheduler), scheduler };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('cron schedule', () => {
  it('cron - next fire times are UTC and strictly after the given time; bad expressions are refused', () => {
    const hourly = parseCronSchedule('7 * * * *');
    expect(hourly.next(at(12, 7))).toBe(at(13, 7));
    expect(hourly.next(at(12, 6, 59))).toBe(at(12, 7));
    expect(parseCronSchedule('*/10 * * * * *').next(at(12, 0, 1))).toBe(at(12, 0, 10));
    expect(parseCronSchedule('0 0 1 * *').next(T0)).toBe(Date.UTC(2026, 3, 1));
    for (const bad of ['not cron', '61 * * * *', '* * *']) {
      expect(() => parseCronSchedule(bad), bad).toThrow(
        expect.objectContaining({ code: 'MARKET_JOB_SCHEDULE_INVALID' }),
      );
    }
  });
});

describe('job scheduler', () => {
  it('timing - a job runs at each cron time on the injected clock, and its runs are recorded', async () => {
    const startedAt: number[] = [];
    const { clock, timers, scheduler } = setup([
      {
        name: 'five',
        schedule: '*/5 * * * *',
        run: async () => {
          startedAt.push(clock.now());
          return { rows: startedAt.length };
        },
      },
    ]);
    expect(scheduler.status()[0]).toMatchObject({ name: 'five', nextRunAt: null, runs: 0 });
    await scheduler.start(context);
    expect(scheduler.status()[0]!.nextRunAt).toBe(at(12, 5));
    await timers.advance(3 * MINUTE); // 12:04:30
    expect(startedAt).toEqual([]);
    await timers.advance(MINUTE); // 12:05:30
    expect(startedAt).toEqual([at(12, 5)]);
    await timers.advance(10 * MINUTE); // 12:15:30
    expect(startedAt).toEqual([at(12, 5), at(12, 10), at(12, 15)]);
    const status = scheduler.status()[0]!;
    expect(status).toMatchObject({
      runs: 3,
      failures: 0,
      running: false,
      nextRunAt: at(12, 20),
      lastSuccessAt: at(12, 15),
      lastRun: {
        job: 'five',
        trigger: 'schedule',
        status: 'succeeded',
        startedAt: at(12, 15),
        details: { rows: 3 },
      },
    });
    expect(status.history.map((r) => r.startedAt)).toEqual([at(12, 15), at(12, 10), at(12, 5)]);
    expect(scheduler.health().status).toBe(ServiceStatus.Up);
    await scheduler.stop();
    expect(scheduler.status()[0]!.nextRunAt).toBeNull();
    await timers.advance(60 * MINUTE);
    expect(startedAt).toHaveLength(3);
  });

  it('beat - on the system clock the kernel beat starts each due run, and nothing after stop', async () => {
    let runs = 0;
    const scheduler = createJobScheduler({
      jobs: [{ name: 'every-second', schedule: '* * * * * *', run: async () => void runs++ }],
      clock: systemClock,
      beatMs: 50,
    });
    await scheduler.start(context);
    await until(() => runs >= 2, { timeoutMs: 20_000, what: 'two scheduled runs' });
    expect(scheduler.status()[0]).toMatchObject({ lastRun: { trigger: 'schedule' }, failures: 0 });
    expect(scheduler.health().status).toBe(ServiceStatus.Up);
    await scheduler.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runs).toBe(after);
  });

  it('overlap - a scheduled time that finds the job running is skipped, and runNow is refused', async () => {
    let gate = deferred();
    let runs = 0;
    const { timers, scheduler } = setup([
      {
        name: 'slow',
        schedule: '* * * * *',
        run: async () => {
          runs++;
          await gate.promise;
        },
      },
    ]);
    await scheduler.start(context);
    await timers.advance(MINUTE); // 12:02 starts a run that hangs
    expect(scheduler.status()[0]).toMatchObject({ running: true, lastRun: { status: 'running' } });
    await timers.advance(2 * MINUTE); // 12:03 and 12:04 find it running
    expect(runs).toBe(1);
    expect(scheduler.status()[0]).toMatchObject({ skipped: 2, runs: 0 });
    await expect(scheduler.runNow('slow')).rejects.toMatchObject({ code: 'MARKET_JOB_RUNNING' });
    gate.resolve();
    await timers.advance(0);
    expect(scheduler.status()[0]).toMatchObject({
      running: false,
      runs: 1,
      lastRun: { status: 'succeeded' },
    });
    gate = deferred();
    gate.resolve();
    await timers.advance(MINUTE); // 12:05 runs again
    expect(runs).toBe(2);
    await scheduler.stop();
  });

  it('failure - a throwing run is recorded with its error, degrades health, and the schedule goes on', async () => {
    let fail = true;
    const { timers, scheduler } = setup([
      {
        name: 'flaky',
        schedule: '0 * * * *',
        run: async () => {
          if (fail) throw new Error('venue answered 503');
        },
      },
      { name: 'fine', schedule: '0 * * * *', run: async () => undefined },
    ]);
    await scheduler.start(context);
    await timers.advance(60 * MINUTE); // 13:00
    expect(scheduler.status()[0]).toMatchObject({
      runs: 1,
      failures: 1,
      lastRun: { status: 'failed', error: 'venue answered 503', startedAt: at(13, 0) },
    });
    expect(scheduler.status()[0]).not.toHaveProperty('lastSuccessAt');
    expect(scheduler.health()).toEqual({
      status: ServiceStatus.Degraded,
      detail: 'flaky: venue answered 503',
    });
    fail = false;
    await timers.advance(60 * MINUTE); // 14:00
    expect(scheduler.status()[0]).toMatchObject({ runs: 2, failures: 1, lastSuccessAt: at(14, 0) });
    expect(scheduler.health().status).toBe(ServiceStatus.Up);
    await scheduler.stop();
  });

  it('runNow - runs outside the schedule and resolves with the finished run; unknown names are refused', async () => {
    const { clock, scheduler } = setup([
      {
        name: 'manual',
        schedule: '0 0 * * *',
        run: async () => {
          clock.advance(250);
          return { moved: 7 };
        },
      },
    ]);
    await scheduler.start(context);
    const run = await scheduler.runNow('manual');
    expect(run).toEqual({
      job: 'manual',
      trigger: 'manual',
      status: 'succeeded',
      startedAt: T0,
      finishedAt: T0 + 250,
      durationMs: 250,
      details: { moved: 7 },
    });
    expect(scheduler.status()[0]!.nextRunAt).toBe(Date.UTC(2026, 2, 16));
    await expect(scheduler.runNow('nope')).rejects.toMatchObject({ code: 'MARKET_JOB_UNKNOWN' });
    await scheduler.stop();
  });

  it('stop - aborts a running run (cancelled, not failed); a timeout fails the run; runOnStart runs at once', async () => {
    const seen: string[] = [];
    const waitForAbort = (name: string) => (signal: AbortSignal) =>
      new Promise<void>((_, reject) => {
        signal.addEventListener('abort', () => {
          seen.push(name);
          reject(new Error('aborted'));
        });
      });
    const { timers, scheduler } = setup([
      { name: 'long', schedule: '0 0 * * *', runOnStart: true, run: waitForAbort('long') },
      { name: 'bounded', schedule: '0 0 * * *', timeoutMs: 1_000, run: waitForAbort('bounded') },
    ]);
    await scheduler.start(context);
    expect(scheduler.status()[0]).toMatchObject({ running: true, lastRun: { trigger: 'start' } });
    const bounded = scheduler.runNow('bounded');
    await timers.advance(1_000);
    expect(await bounded).toMatchObject({ status: 'failed', error: 'timed out after 1000 ms' });
    await scheduler.stop();
    expect(seen).toEqual(['bounded', 'long']);
    expect(scheduler.status()[0]).toMatchObject({
      running: false,
      nextRunAt: null,
      lastRun: { status: 'cancelled' },
    });
    expect(scheduler.health().status).toBe(ServiceStatus.Degraded); // the timed-out run
  });

  it('recorder - sees each run start and finish; its failures never fail the run', async () => {
    const calls: Array<[string, JobRun]> = [];
    let broken = false;
    const recorder: JobRunRecorder = {
      async started(run) {
        if (broken) throw new Error('database down');
        calls.push(['started', { ...run }]);
        return calls.length;
      },
      async finished(handle, run) {
        calls.push([`finished ${String(handle)}`, { ...run }]);
      },
    };
    const { scheduler } = setup(
      [{ name: 'rec', schedule: '0 0 * * *', run: async () => undefined }],
      recorder,
    );
    await scheduler.start(context);
    await scheduler.runNow('rec');
    expect(calls.map(([what, run]) => [what, run.status])).toEqual([
      ['started', 'running'],
      ['finished 1', 'succeeded'],
    ]);
    broken = true;
    expect(await scheduler.runNow('rec')).toMatchObject({ status: 'succeeded' });
    expect(calls.at(-1)![0]).toBe('finished undefined');
    expect(() =>
      scheduler.register({ name: 'rec', schedule: '* * * * *', run: async () => undefined }),
    ).toThrow(/twice/);
    await scheduler.stop();
  });
});

describe('job scheduler history', () => {
  it('restart - the history recorded before start is shown; a run left running by a crash is not', async () => {
    const before: JobRun[] = [
      { job: 'kept', trigger: 'schedule', status: 'running', startedAt: T0 - 1_000 },
      {
        job: 'kept',
        trigger: 'schedule',
        status: 'failed',
        startedAt: T0 - 2_000,
        finishedAt: T0 - 1_900,
        error: 'x',
      },
      { job: 'kept', trigger: 'manual', status: 'succeeded', startedAt: T0 - 3_000, finishedAt: T0 - 2_900 },
    ];
    const recorder: JobRunRecorder = {
      started: async () => undefined,
      finished: async () => undefined,
      recent: async (job, limit) => (job === 'kept' ? before.slice(0, limit) : []),
    };
    const { scheduler } = setup(
      [{ name: 'kept', schedule: '0 0 * * *', run: async () => undefined }],
      recorder,
    );
    await scheduler.start(context);
    expect(scheduler.status()[0]).toMatchObject({
      running: false,
      runs: 0,
      lastSuccessAt: T0 - 2_900,
      lastRun: { status: 'failed' },
    });
    expect(scheduler.status()[0]!.history.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    await scheduler.runNow('kept');
    expect(scheduler.status()[0]!.history.map((r) => r.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    await scheduler.stop();
  });
});

describe('backfill job', () => {
  it('backfill - windows follow each other without holes; a failed window is asked for again', async () => {
    const clock = new ManualClock(T0);
    const windows: Array<[number, number]> = [];
    let fail = false;
    const job = backfillJob({
      schedule: '*/10 * * * *',
      lookbackMs: 60 * MINUTE,
      maxWindowMs: 30 * MINUTE,
      clock,
      backfill: async (window: BackfillWindow) => {
        windows.push([window.fromMs, window.toMs]);
        if (fail) throw new Error('rate limited');
        return { candles: 2 };
      },
    });
    const signal = new AbortController().signal;
    expect(await job.run(signal)).toEqual({ fromMs: T0 - 60 * MINUTE, toMs: T0 - 30 * MINUTE, candles: 2 });
    clock.advance(10 * MINUTE);
    await job.run(signal);
    fail = true;
    clock.advance(10 * MINUTE);
    await expect(job.run(signal)).rejects.toThrow('rate limited');
    fail = false;
    await job.run(signal);
    expect(windows).toEqual([
      [T0 - 60 * MINUTE, T0 - 30 * MINUTE],
      [T0 - 30 * MINUTE, T0],
      [T0, T0 + 20 * MINUTE],
      [T0, T0 + 20 * MINUTE],
    ]);
    expect(job.name).toBe('backfill');
  });
});
