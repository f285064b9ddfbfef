/**
 * Finding 46.2: parity replays are backtests. Against the real strategy host (PGlite, identity's
 * tier table, the repository's quotas): an owner replays one version at a time, every replay is
 * taken from the day's backtests (which then refuse a queued backtest too) and runs on a worker of
 * the backtest queue, and a window asked again — in parallel or later — is the report already
 * made, at no cost.
 */
import {
  createReplayMeter,
  createStrategyTestApp,
  runInSandbox,
  SMA_CROSS_SOURCE,
  type BacktestRunner,
  type StrategyTestApp,
} from '@tickline/strategy/internal';
import { uuidv7 } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { StoredLiveRun } from '../live/live-store.ts';
import { settings } from '../live/live-world.test-support.ts';
import { createParityService } from './parity-service.ts';
import { ENABLED_AT, feed, history, WARMUP } from './parity.test-support.ts';

const PER_DAY = 3;
const DAY_MS = 86_400_000;

let t: StrategyTestApp;
let userId: string;
let strategyId: string;
/** Replays that reached the sandbox. */
let runs = 0;
/** While set, a replay waits for it before it runs; `started` hears each one reach the sandbox. */
let hold: Promise<void> | undefined;
let started: () => void = () => {};

const run: BacktestRunner = async (options, limits) => {
  runs++;
  started();
  await hold;
  return runInSandbox(options, limits);
};

let parity: ReturnType<typeof createParityService>;
const status = { id: 'run-1' } as LiveRunStatus;

beforeAll(async () => {
  t = await createStrategyTestApp({ tiers: { free: { backtestsPerDay: PER_DAY } } });
  const user = await t.user();
  userId = user.userId;
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/strategies',
    headers: user.auth,
    payload: { name: 'parity', source: SMA_CROSS_SOURCE, language: 'typescript' },
  });
  expect(created.statusCode, created.body).toBe(201);
  strategyId = created.json<{ strategy: { id: string } }>().strategy.id;
  for (let v = 2; v <= 4; v++) {
    const saved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/strategies/${strategyId}/versions`,
      headers: user.auth,
      payload: {
        source: SMA_CROSS_SOURCE.replace('default: 50', `default: ${50 + v}`),
        language: 'typescript',
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);
  }
  const stored: StoredLiveRun = {
    id: 'run-1',
    strategyId,
    version: 1,
    userId,
    tier: 'free',
    portfolioId: 'portfolio-1',
    params: {},
    counts: { candles: 0, signals: 0 },
    feeds: [{ symbol: feed.symbol, interval: '1m' }],
    warmupBars: WARMUP,
    state: 'running',
    checkpointMs: feed.columns.closeTime.at(-1)!,
    enabledAt: ENABLED_AT,
  };
  parity = createParityService({
    stored: async (id) => (id === stored.id ? stored : undefined),
    journal: { ofStrategy: async () => [] },
    history,
    code: async (owner, strategy, version) =>
      (await t.host.repository.getVersion(owner, strategy, version)).js,
    settings: () => settings(),
    equityAt: async () => undefined,
    run,
    limits: () => ({ memoryMb: 64, cpuMs: 20_000 }),
    meter: createReplayMeter(t.host),
  });
}, 120_000);
afterAll(() => t?.close());

const today = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);

describe('parity - replays are metered backtests', () => {
  it('one replay at a time per owner; the same window asked again is the report already made', async () => {
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (started = resolve));
    const first = parity(status, 1);
    await reached;
    // It runs as one of the backtest queue's jobs, on one of its workers
    expect(t.host.queue.sizes).toEqual({ queued: 0, running: 1 });
    // Another version while it runs: refused, as a second backtest at once would be
    await expect(parity(status, 2)).rejects.toMatchObject({
      code: 'STRATEGY_QUOTA_CONCURRENT',
      details: { limit: 1, active: 1 },
    });
    // The same window while it runs: the same answer, not a second replay
    const again = parity(status, 1);
    expect(await t.host.repository.runCounts(userId, today())).toEqual({ since: 1, active: 1 });
    release();
    hold = undefined;
    const [a, b] = await Promise.all([first, again]);
    expect(b).toEqual(a);
    expect(a.version).toBe(1);
    // And later, before the run decides another candle: the report already made
    expect(await parity(status, 1)).toEqual(a);
    expect(runs).toBe(1);
    expect(await t.host.repository.runCounts(userId, today())).toEqual({ since: 1, active: 0 });
  }, 120_000);

  it("replays are taken from the day's backtests: past them a replay and a backtest are refused", async () => {
    for (const version of [2, 3]) expect((await parity(status, version)).version).toBe(version);
    await expect(parity(status, 4)).rejects.toMatchObject({
      code: 'STRATEGY_QUOTA_BACKTESTS',
      details: { limit: PER_DAY, resetAt: expect.any(String) },
    });
    expect(runs).toBe(3);
    const backtest = await t.host.repository.createRunWithinQuota(
      { id: uuidv7(), userId, strategyId, version: 1, request: {}, now: new Date() },
      { since: today(), perDay: PER_DAY, concurrent: 1 },
    );
    expect(backtest).toMatchObject({ exceeded: 'perDay', since: PER_DAY });
  }, 120_000);
  it('the platform’s own check is taken from no quota but runs on a backtest queue worker', async () => {
    const before = await t.host.repository.runCounts(userId, today());
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (started = resolve));
    const check = parity(status, 4, true);
    await reached;
    expect(t.host.queue.sizes).toEqual({ queued: 0, running: 1 });
    release();
    hold = undefined;
    expect((await check).version).toBe(4);
    expect(await t.host.repository.runCounts(userId, today())).toEqual(before);
  }, 120_000);
});
