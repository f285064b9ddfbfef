import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';

/** "Use this set": a research report's parameter set as a new version or a backtest, in one request. */
describe('research - use this set', () => {
  let t: StrategyTestApp;
  let ada: Awaited<ReturnType<StrategyTestApp['user']>>;
  let strategyId: string;
  let researchId: string;
  let report: Record<string, any>;

  const call = async (auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url: `/api/v1${path}`,
      headers: auth,
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, json: res.json<Record<string, any>>() };
  };

  /** A backtest once it ended (the tier runs one job at a time: the next waits for it). */
  const ended = async (id: string) => {
    let detail: Record<string, any> = {};
    await until(
      async () => {
        detail = (await call(ada.auth, 'GET', `/backtests/${id}`)).json;
        return !['queued', 'running'].includes(detail.backtest.status);
      },
      { timeoutMs: 60_000, what: `backtest ${id} to end` },
    );
    expect(detail.backtest.status, JSON.stringify(detail.backtest.error)).toBe('succeeded');
    return detail;
  };

  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { backtestsPerDay: 100 } },
    });
    ada = await t.user();
    strategyId = (await call(ada.auth, 'POST', '/strategies', { name: 'cross', source: SMA_CROSS_SOURCE }))
      .json.strategy.id;
    const created = await call(ada.auth, 'POST', '/research', {
      kind: 'search',
      strategyId,
      feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
      from: T0,
      to: T0 + 600 * HOUR,
      grid: { fast: [5, 10], slow: [30, 40] },
      objective: 'totalReturn',
    });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    researchId = created.json.research.id;
    await until(
      async () => {
        const detail = (await call(ada.auth, 'GET', `/research/${researchId}`)).json;
        report = detail.report;
        return !['queued', 'running'].includes(detail.research.status);
      },
      { timeoutMs: 150_000, what: 'the search to end' },
    );
  }, 180_000);
  afterAll(() => t?.close());

  it('every candidate carries its equity curve, first to last bar', () => {
    expect(report.search.trials).toHaveLength(4);
    for (const trial of report.search.trials) {
      expect(trial.equity.length).toBeGreaterThan(10);
      expect(trial.equity.length).toBeLessThanOrEqual(65);
      // Starting capital first, the trial's total return at the end.
      const [first, last] = [trial.equity[0], trial.equity.at(-1)];
      expect(last[1] / first[1] - 1).toBeCloseTo(trial.totalReturn, 6);
    }
  });

  it('saves the chosen set as the next version: same code, the set as its defaults', async () => {
    const second = report.search.trials[1];
    const used = await call(ada.auth, 'POST', `/research/${researchId}/use`, { rank: 2, as: 'version' });
    expect(used.status, JSON.stringify(used.json)).toBe(201);
    expect(used.json.params).toMatchObject(second.params);
    expect(used.json.version.version).toBe(2);
    const v1 = (await call(ada.auth, 'GET', `/strategies/${strategyId}/versions/1`)).json.version;
    const v2 = (await call(ada.auth, 'GET', `/strategies/${strategyId}/versions/2`)).json.version;
    expect(v2.source).toBe(v1.source);
    expect(v2.params.fast.default).toBe(second.params.fast);
    expect(v2.params.slow.default).toBe(second.params.slow);
    // A backtest of the new version with no parameters runs the set.
    const bt = await call(ada.auth, 'POST', '/backtests', {
      strategyId,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: T0,
      to: T0 + 600 * HOUR,
    });
    expect(bt.status, JSON.stringify(bt.json)).toBe(202);
    expect(bt.json.backtest).toMatchObject({ version: 2, params: second.params });
    await ended(bt.json.backtest.id);
  });

  it('queues a backtest of the best set on the research feeds and range', async () => {
    const best = report.search.trials[0];
    const used = await call(ada.auth, 'POST', `/research/${researchId}/use`, { as: 'backtest' });
    expect(used.status, JSON.stringify(used.json)).toBe(201);
    expect(used.json).toMatchObject({ rank: 1, params: best.params });
    expect(used.json.backtest).toMatchObject({
      version: 1,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 600 * HOUR).toISOString(),
      params: best.params,
    });
    // The same set over the same bars: the research's figures.
    const done = await ended(used.json.backtest.id);
    expect(done.result.metrics.totalReturn).toBeCloseTo(best.totalReturn, 9);
  });

  it('refuses what it cannot use, and writes nothing', async () => {
    const versions = async () =>
      (await call(ada.auth, 'GET', `/strategies/${strategyId}/versions`)).json.versions.length;
    const before = await versions();
    const past = await call(ada.auth, 'POST', `/research/${researchId}/use`, { rank: 5, as: 'version' });
    expect([past.status, past.json.error.code]).toEqual([409, 'STRATEGY_RESEARCH_NO_SETS']);
    expect(past.json.error.details).toMatchObject({ rank: 5, sets: 4 });
    const bad = await call(ada.auth, 'POST', `/research/${researchId}/use`, { as: 'live' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'HTTP_BAD_REQUEST']);
    // Someone else's research is not found.
    const bob = await t.user();
    const foreign = await call(bob.auth, 'POST', `/research/${researchId}/use`, { as: 'version' });
    expect(foreign.status).toBe(404);
    // A key that may run backtests but not write strategies cannot save a version.
    const principal = await t.identity.authenticateAccessToken(ada.accessToken);
    const { key } = await t.identity.createApiKey(principal, {
      name: 'runner',
      scopes: ['strategies:read', 'backtests:run'],
    });
    const runner = await call({ 'x-api-key': key }, 'POST', `/research/${researchId}/use`, { as: 'version' });
    expect([runner.status, runner.json.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    expect(await versions()).toBe(before);
  });
});
