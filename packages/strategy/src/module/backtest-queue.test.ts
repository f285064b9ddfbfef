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
    const restarted = new BacktestQueue({
      sql: t.sql,
      repository: t.host.repository,
      publisher: { publish: (e) => void events.push(e) },
      clock: systemClock,
      logger: silentLogger,
      workers: 1,
      progressIntervalMs: 50,
    });
    await restarted.start({ logger: silentLogger, fail: () => undefined });
    try {
      const deadline = Date.now() + 60_000;
      let rows: Array<{ id: string; status: string; error_code: string | null }> = [];
      while (Date.now() < deadline) {
        rows = (
          await t.sql.query<{ id: string; status: string; error_code: string | null }>(
            'select id, status, error_code from backtest_runs order by created_at',
          )
        ).rows;
        if (rows.every((r) => r.status !== 'queued' && r.status !== 'running')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows.map((r) => [r.status, r.error_code])).toEqual([
        ['failed', 'STRATEGY_RUN_INTERRUPTED'],
        ['succeeded', null],
      ]);
      const completed = events
        .filter((e) => e.type === 'backtest.completed')
        .map((e) => (e.data as { status: string }).status);
      expect(completed.sort()).toEqual(['failed', 'succeeded']);
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});
