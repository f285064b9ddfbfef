import { silentLogger, systemClock } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineRunResult } from '../core/engine.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import type { BacktestRunner } from '../sandbox/sandbox.ts';
import type { TrialsRunner } from '../research/sandbox-executor.ts';
import { StrategySettingsSchema } from '../module/strategy-settings.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';
import { FairSlots } from './fair-slots.ts';
import { ResearchQueue } from './research-queue.ts';

/** What a trial answers when its sandbox process ran it: enough for a search to rank it. */
const trialResult = (cpuMs: number): EngineRunResult =>
  ({
    metrics: { sharpe: 1, totalReturn: 0, trades: 0, drawdown: { maxDrawdown: 0 } },
    equity: { time: new Float64Array(0), value: new Float64Array(0) },
    returnStats: { moments: { n: 10, mean: 0, std: 1, skewness: 0, kurtosis: 3 }, blocks: null },
    cpuMs,
  }) as unknown as EngineRunResult;

/** A runner whose trials wait until the test releases them, in the order they started. */
function heldRunner() {
  const started: Array<{ tenant: string; release: () => void }> = [];
  let notify: (() => void) | undefined;
  const run: BacktestRunner = (options, _limits, tenant) =>
    new Promise((resolve, reject) => {
      options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
      started.push({ tenant: tenant!, release: () => resolve(trialResult(0)) });
      notify?.();
    });
  /** Resolves once `n` trials have started. */
  const startedCount = async (n: number): Promise<void> => {
    while (started.length < n) await new Promise<void>((r) => (notify = r));
  };
  return { run, started, startedCount };
}

describe('research queue - fair shares and job budgets (issue 46 findings 1, 6)', () => {
  let t: StrategyTestApp;
  const defaults = StrategySettingsSchema.parse(undefined);
  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { backtestsPerDay: 100 } },
      settings: {
        research: {
          ...defaults.research,
          tiers: {
            ...defaults.research.tiers,
            free: { ...defaults.research.tiers.free, cpuMsPerJob: 1_000 },
          },
        },
      },
    });
    // The host's own queue stays out of the way: each test runs its own over the same tables.
    await t.host.researchQueue.stop();
  }, 120_000);
  afterAll(() => t?.close());

  /** Queues a search of `sets` parameter sets for a new user over HTTP; returns the stored run. */
  const queued = async (sets: number) => {
    const user = await t.user();
    const post = (path: string, body: unknown) =>
      t.app.inject({ method: 'POST', url: `/api/v1${path}`, headers: user.auth, payload: body as object });
    const strategy = (await post('/strategies', { name: 'cross', source: SMA_CROSS_SOURCE })).json();
    const created = await post('/research', {
      kind: 'search',
      strategyId: strategy.strategy.id,
      feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
      from: T0,
      to: T0 + 600 * HOUR,
      grid: { fast: Array.from({ length: sets }, (_, i) => i + 2) },
    });
    expect(created.statusCode).toBe(202);
    return t.host.research.get(user.userId, created.json().research.id);
  };

  const queueWith = (run: BacktestRunner, slots = new FairSlots(1), runTrials?: TrialsRunner) =>
    new ResearchQueue({
      slots,
      research: t.host.research,
      strategies: t.host.repository,
      history: t.host.reads,
      trials: t.sql,
      clock: systemClock,
      logger: silentLogger,
      workers: 2,
      maxActiveJobs: 8,
      trialConcurrency: 1,
      progressIntervalMs: 50,
      run,
      ...(runTrials === undefined ? {} : { runTrials }),
    });

  it(
    "starts a third account's small job beside two huge ones, its trials taking turns",
    { timeout: 60_000 },
    async () => {
      // Given two accounts' 30-set searches running, one trial slot between them
      const held = heldRunner();
      const slots = new FairSlots(1);
      const queue = queueWith(held.run, slots);
      await queue.start({ logger: silentLogger, fail: () => undefined });
      try {
        queue.enqueue(await queued(30));
        queue.enqueue(await queued(30));
        await held.startedCount(1);
        // When a third account queues a 2-set search
        const small = await queued(2);
        queue.enqueue(small);
        // (once its first trial asks for a slot: the job loads its candles first)
        await until(() => slots.waiting(small.userId) > 0, {
          timeoutMs: 60_000,
          what: "the small job's first trial",
        });
        // And trials end one by one
        for (let i = 0; i < 6; i++) {
          held.started[i]!.release();
          await held.startedCount(i + 2);
        }
        // Then the three accounts took turns: the small job's trials ran within the next six, not
        // after the 60 others
        const next = held.started.slice(1, 7).map((s) => s.tenant);
        expect(next.filter((tenant) => tenant === small.userId)).toHaveLength(2);
        expect(new Set(next).size).toBe(3);
      } finally {
        await queue.stop();
      }
    },
  );

  /** The run as stored once it ended (bounded generously for a loaded machine). */
  const ended = async (run: { userId: string; id: string }) => {
    let stored = await t.host.research.get(run.userId, run.id);
    await until(
      async () =>
        !['queued', 'running'].includes((stored = await t.host.research.get(run.userId, run.id)).status),
      { timeoutMs: 60_000, what: `research ${run.id} ended` },
    );
    return stored;
  };

  it('stops a job whose trials used its CPU budget, recording why', { timeout: 90_000 }, async () => {
    // Given trials that each used 600 ms of sandbox CPU, and the free tier's 1,000 ms per job
    let trials = 0;
    const queue = queueWith(() => (trials++, Promise.resolve(trialResult(600))));
    await queue.start({ logger: silentLogger, fail: () => undefined });
    try {
      const run = await queued(10);
      queue.enqueue(run);
      // When the job runs, Then it ends failed after the trial that passed 1,000 ms
      expect(await ended(run)).toMatchObject({
        status: 'failed',
        error: { code: 'STRATEGY_RESEARCH_BUDGET_EXCEEDED' },
      });
      expect(trials).toBe(2);
    } finally {
      await queue.stop();
    }
  });

  it('counts every trial of a batch against the CPU budget, a batch taking one slot', { timeout: 90_000 }, async () => {
    // Given batches of trials that each used 600 ms of sandbox CPU, and 1,000 ms per job
    const batches: number[] = [];
    let single = 0;
    const slots = new FairSlots(1);
    const queue = queueWith(
      () => (single++, Promise.resolve(trialResult(600))),
      slots,
      (_base, trials) => {
        batches.push(trials.length);
        return Promise.resolve(trials.map(() => trialResult(600)));
      },
    );
    await queue.start({ logger: silentLogger, fail: () => undefined });
    try {
      // When a 32-set search runs (batches of two on one slot)
      const run = await queued(32);
      queue.enqueue(run);
      // Then the first batch's two trials passed the budget: the job failed, nothing more ran
      expect(await ended(run)).toMatchObject({
        status: 'failed',
        error: { code: 'STRATEGY_RESEARCH_BUDGET_EXCEEDED' },
      });
      expect(batches).toEqual([2]);
      expect(single).toBe(0);
      expect(slots.waiting(run.userId)).toBe(0);
    } finally {
      await queue.stop();
    }
  });

  it('stops a job that runs past its wall-time budget, recording why', { timeout: 90_000 }, async () => {
    // Given a trial that never ends by itself, and a job whose tier allows it 1 s in all
    const held = heldRunner();
    const queue = queueWith(held.run);
    await queue.start({ logger: silentLogger, fail: () => undefined });
    try {
      const run = await queued(3);
      const request = run.request as { budget: { wallMsPerJob: number } };
      request.budget = { ...request.budget, wallMsPerJob: 1_000 };
      queue.enqueue(run);
      // When it runs, Then it is stopped at its budget, not left holding the slot
      expect(await ended(run)).toMatchObject({
        status: 'failed',
        error: { code: 'STRATEGY_RESEARCH_BUDGET_EXCEEDED' },
      });
      expect(held.started).toHaveLength(1);
    } finally {
      await queue.stop();
    }
  });
});
