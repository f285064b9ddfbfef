import { randomBytes } from 'node:crypto';
import { ManualClock, uuidv7 } from '@tickline/kernel';
import { createPgliteSql } from '@tickline/store';
import type { Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileStrategy } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { strategyConfigSchema } from '../module/strategy-config.ts';
import { createInlineExecutor } from '../research/executor.ts';
import { sliceFeeds } from '../research/feeds.ts';
import { createCodeCipher } from '../versions/code-cipher.ts';
import { migrateWithStrategy } from '../versions/repository-cases.test-support.ts';
import { StrategyRepository } from '../versions/strategy-repository.ts';
import { BacktestService } from './backtest-service.ts';
import type { CandleSource } from './backtest-service.ts';
import { BacktestCompleted } from './events.ts';
import type { BacktestCompletedData } from './events.ts';

const T0 = Date.UTC(2024, 0, 1);
const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 3_000, 5, 100, T0);
const candles: CandleSource = {
  loadFeed: ({ symbol, interval, from, to }) =>
    Promise.resolve(
      symbol === 'BTC-USDT' && interval === '1m'
        ? sliceFeeds([feed], from, to)[0]!
        : { ...sliceFeeds([feed], 0, 0)[0]!, symbol },
    ),
};
const tier = strategyConfigSchema.parse(undefined).tiers.free;

describe('backtest service', () => {
  let sql: Sql;
  let service: BacktestService;
  let repository: StrategyRepository;
  const events: BacktestCompletedData[] = [];
  const executor = createInlineExecutor();
  const alice = uuidv7();
  const bob = uuidv7();
  let strategyId: string;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateWithStrategy(sql);
    for (const id of [alice, bob]) {
      await sql.query(
        `insert into users (id, email, role, tier, status, created_at, updated_at) values ($1, $2, 'user', 'free', 'active', now(), now())`,
        [id, `${id}@example.com`],
      );
    }
    repository = new StrategyRepository(
      sql,
      createCodeCipher({ keys: { k: randomBytes(32).toString('base64') }, currentKeyId: 'k' }),
    );
    service = new BacktestService({
      repository,
      candles,
      executor,
      clock: new ManualClock(T0 + 10 * 86_400_000),
      newId: uuidv7,
      emitCompleted: (e) => events.push(BacktestCompleted.schema.parse(e)),
    });
    strategyId = (
      await repository.createStrategy({ id: uuidv7(), userId: alice, name: 'cross', now: new Date() })
    ).id;
    const compiled = await compileStrategy(SMA_CROSS_SOURCE);
    await repository.saveVersion({
      userId: alice,
      strategyId,
      source: SMA_CROSS_SOURCE,
      ...compiled,
      language: 'typescript',
      now: new Date(),
    });
  }, 120_000);
  afterAll(async () => {
    await executor.close();
    await sql?.close();
  });

  const request = (over: Record<string, unknown> = {}) => ({
    strategyId,
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    from: T0,
    to: T0 + 3_000 * 60_000,
    params: { fast: 10, slow: 30 },
    ...over,
  });

  it('runs a submitted backtest, stores the result and emits backtest.completed', async () => {
    const run = await service.submit(alice, request(), tier);
    expect(run).toMatchObject({ status: 'queued', version: 1 });
    const progress: number[] = [];
    const result = await service.execute(alice, run.id, tier, { onProgress: (f) => progress.push(f) });
    expect(result.bars).toBe(3_000);
    expect(result.metrics.trades).toBeGreaterThan(0);
    expect(await repository.getResult(alice, run.id)).toEqual(JSON.parse(JSON.stringify(result)));
    expect(await repository.getRun(alice, run.id)).toMatchObject({ status: 'succeeded' });
    expect(progress[0]).toBe(0);
    await expect.poll(() => progress.at(-1)).toBe(1);
    expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(events.at(-1)).toMatchObject({
      runId: run.id,
      status: 'succeeded',
      summary: { trades: result.metrics.trades },
    });
  });

  it('refuses bad requests with a code and records nothing', async () => {
    const before = (await repository.listRuns(alice)).length;
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ params: { fast: 'ten' } }, 'STRATEGY_PARAM_INVALID'],
      [{ params: { nope: 1 } }, 'STRATEGY_PARAM_INVALID'],
      [{ version: 9 }, 'STRATEGY_NOT_FOUND'],
      [{ strategyId: uuidv7() }, 'STRATEGY_NOT_FOUND'],
      [{ to: T0 - 1 }, 'STRATEGY_CONFIG_INVALID'],
      [{ feeds: [] }, 'STRATEGY_CONFIG_INVALID'],
      [{ settings: { takerFee: 5 } }, 'STRATEGY_CONFIG_INVALID'],
    ];
    for (const [over, code] of bad)
      await expect(service.submit(alice, request(over), tier)).rejects.toMatchObject({ code });
    // Someone else's strategy is not found
    await expect(service.submit(bob, request(), tier)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
    expect(await repository.listRuns(alice)).toHaveLength(before);
  });

  it('fails a run over a range without data with STRATEGY_NO_DATA and says so in the event', async () => {
    const run = await service.submit(
      alice,
      request({ feeds: [{ symbol: 'ETH-USDT', interval: '1m' }] }),
      tier,
    );
    await expect(service.execute(alice, run.id, tier)).rejects.toMatchObject({ code: 'STRATEGY_NO_DATA' });
    expect(await repository.getRun(alice, run.id)).toMatchObject({
      status: 'failed',
      error: { code: 'STRATEGY_NO_DATA' },
    });
    expect(events.at(-1)).toMatchObject({
      runId: run.id,
      status: 'failed',
      error: { code: 'STRATEGY_NO_DATA' },
    });
  });

  it('enforces the concurrent and per-day quotas', async () => {
    const one = { ...tier, concurrentBacktests: 1, backtestsPerDay: 100 };
    await service.submit(alice, request(), one);
    await expect(service.submit(alice, request(), one)).rejects.toMatchObject({
      code: 'STRATEGY_QUOTA_EXCEEDED',
      details: { quota: 'concurrentBacktests' },
    });
    await expect(
      service.submit(alice, request(), { ...tier, concurrentBacktests: 10, backtestsPerDay: 2 }),
    ).rejects.toMatchObject({
      code: 'STRATEGY_QUOTA_EXCEEDED',
      details: { quota: 'backtestsPerDay' },
    });
  });
});
