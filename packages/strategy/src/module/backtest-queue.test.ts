import { silentLogger, systemClock, type EventEnvelope } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';
import { runInSandbox, type BacktestRunner } from '../sandbox/sandbox.ts';
import { BacktestQueue } from './backtest-queue.ts';

describe('backtest queue restart', () => {
  let t: StrategyTestApp;
  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 200),
      tiers: { free: { backtestsPerDay: 100 } },
    });
  }, 120_000);
  afterAll(() => t?.close());

  it('queue - a restart fails what was running (STRATEGY_RUN_INTERRUPTED) and runs what was queued', async () => {
    const ada = await t.user();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      headers: ada.auth,
      payload: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    const strategyId = created.json().strategy.id as string;
    // The process's queue stops: runs accepted now stay queued in SQL.
    await t.host.queue.stop();
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers: ada.auth,
        payload: {
          strategyId,
          symbol: 'BTC-USDT',
          interval: '1h',
          from: T0,
          to: T0 + 200 * HOUR,
          params: { fast: 5, slow: 20 },
        },
      });
    const first = (await post()).json().backtest.id as string;
    // One of them was running when the process died.
    await t.sql.query(`update backtest_runs set status = 'running' where id = $1`, [first]);
    // The free tier allows one active run: the API refuses a second, so one more is queued in SQL directly.
    const second = await post();
    expect([second.statusCode, second.json().error?.code]).toEqual([429, 'STRATEGY_QUOTA_CONCURRENT']);
    await t.sql.query(
      `insert into backtest_runs (id, user_id, strategy_id, version, status, request, created_at)
       select gen_random_uuid(), user_id, strategy_id, version, 'queued', request, now() from backtest_runs where id = $1`,
      [first],
    );

    const events: EventEnvelope[] = [];
    const completed = () =>
      events.filter((e) => e.type === 'backtest.completed').map((e) => (e.data as { status: string }).status);
    // Both runs' completion events: a run's row is written before its event is published, so a
    // row alone says nothing about the event yet.
    let bothCompleted!: () => void;
    const both = new Promise<void>((resolve) => (bothCompleted = resolve));
    const restarted = new BacktestQueue({
      sql: t.sql,
      repository: t.host.repository,
      publisher: {
        publish: (e) => {
          events.push(e);
          if (completed().length === 2) bothCompleted();
        },
      },
      clock: systemClock,
      logger: silentLogger,
      workers: 1,
      progressIntervalMs: 50,
    });
    await restarted.start({ logger: silentLogger, fail: () => undefined });
    try {
      await both;
      expect(completed().sort()).toEqual(['failed', 'succeeded']);
      const rows = (
        await t.sql.query<{ id: string; status: string; error_code: string | null }>(
          'select id, status, error_code from backtest_runs order by created_at',
        )
      ).rows;
      expect(rows.map((r) => [r.status, r.error_code])).toEqual([
        ['failed', 'STRATEGY_RUN_INTERRUPTED'],
        ['succeeded', null],
      ]);
    } finally {
      await restarted.stop();
    }
  }, 120_000);
  it('replays - a replay waits for a worker and its owner’s turn as a queued run does (issue 46.2)', async () => {
    const [ada, bob] = [await t.user(), await t.user()];
    // Ada's backtest is taken by the test's queue below, not the app's (stopped by the test above).
    await t.host.queue.stop();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      headers: ada.auth,
      payload: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    const queued = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: ada.auth,
      payload: {
        strategyId: created.json().strategy.id,
        symbol: 'BTC-USDT',
        interval: '1h',
        from: T0,
        to: T0 + 200 * HOUR,
        params: { fast: 5, slow: 20 },
      },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const run: BacktestRunner = async (options, limits) => {
      await held;
      return runInSandbox(options, limits);
    };
    const queue = new BacktestQueue({
      sql: t.sql,
      repository: t.host.repository,
      publisher: { publish: () => undefined },
      clock: systemClock,
      logger: silentLogger,
      workers: 2,
      progressIntervalMs: 50,
      run,
    });
    await queue.start({ logger: silentLogger, fail: () => undefined });
    try {
      // The backtest queued in SQL takes a worker; Ada may run one job at a time.
      await expect.poll(() => queue.sizes, { timeout: 30_000 }).toEqual({ queued: 0, running: 1 });
      const started: string[] = [];
      const replay = (who: string, userId: string) =>
        queue.replay(userId, 1, async () => {
          started.push(who);
          await held;
          return who;
        });
      const adas = replay('ada', ada.userId);
      const bobs = replay('bob', bob.userId);
      // Ada's replay waits for her backtest; Bob's, queued after it, takes the free worker.
      expect(started).toEqual(['bob']);
      expect(queue.sizes).toEqual({ queued: 1, running: 2 });
      release();
      expect(await bobs).toBe('bob');
      expect(await adas).toBe('ada');
      expect(started).toEqual(['bob', 'ada']);
      // A replay still waiting when the queue stops is told so; a running one's signal is aborted.
      let finish!: () => void;
      const running = queue.replay(bob.userId, 1, async (signal) => {
        await new Promise<void>((resolve) => (finish = resolve));
        return signal.aborted;
      });
      const waiting = queue.replay(bob.userId, 1, async () => false);
      const stopped = queue.stop();
      await expect(waiting).rejects.toMatchObject({ code: 'STRATEGY_RUN_INTERRUPTED' });
      finish();
      expect(await running).toBe(true);
      await stopped;
      await expect(queue.replay(ada.userId, 1, async () => false)).rejects.toMatchObject({
        code: 'STRATEGY_RUN_INTERRUPTED',
      });
    } finally {
      await queue.stop();
    }
  }, 120_000);
});
