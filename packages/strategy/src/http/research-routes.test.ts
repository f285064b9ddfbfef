import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '../testing/strategy-test-app.ts';

/** The research routes over a real socket: what a CLI or browser sees. */
describe('research routes over HTTP', () => {
  let t: StrategyTestApp;
  let base: string;
  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { backtestsPerDay: 100 } },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(() => t?.close());

  const call = async (auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };

  const strategyOf = async (auth: Record<string, string>): Promise<string> =>
    (await call(auth, 'POST', '/strategies', { name: 'cross', source: SMA_CROSS_SOURCE })).json.strategy.id;

  const walkForward = (strategyId: string, extra: Record<string, unknown> = {}) => ({
    kind: 'walk-forward',
    strategyId,
    feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
    from: T0,
    to: T0 + 600 * HOUR,
    grid: { fast: [5, 10], slow: [30, 40] },
    inSampleBars: 300,
    outSampleBars: 100,
    ...extra,
  });

  it(
    'runs a walk-forward to a report with progress and overfitting measures',
    { timeout: 180_000 },
    async () => {
      const ada = await t.user();
      const strategyId = await strategyOf(ada.auth);
      const created = await call(ada.auth, 'POST', '/research', walkForward(strategyId));
      expect(created.status).toBe(202);
      // The preflight estimate comes with the answer: 3 windows × (4 + 1) + 4 = 19 trials stepping
      // 3 × (4 × 300 + 100) + 4 × 600 = 6,300 bars
      expect(created.json.research.estimate).toMatchObject({ trials: 19, windows: 3, barSteps: 6_300 });
      expect(created.json.research.estimate.summary).toMatch(/^6,300 bar-steps in 19 trials, ≈ .+ s, ≤ \d+ MB$/);
      const id = created.json.research.id as string;
      const seen: number[] = [];
      let detail: Record<string, any> = {};
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        detail = (await call(ada.auth, 'GET', `/research/${id}`)).json;
        seen.push(detail.research.progress);
        if (!['queued', 'running'].includes(detail.research.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(detail.research).toMatchObject({ status: 'succeeded', progress: 1, kind: 'walk-forward' });
      expect(detail.report.walkForward.windows).toHaveLength(3);
      expect(detail.report.overfitting.deflatedSharpe).toMatchObject({ trials: 4 });
      expect(detail.report.overfitting.pbo).toMatchObject({ blocks: 16 });
      // The same progress and the end went to the owner's stream (subject: the user).
      const mine = t.events.filter((e) => (e.data as { researchId?: string }).researchId === id);
      expect(mine.every((e) => e.subject === ada.userId)).toBe(true);
      expect(mine.some((e) => e.type === 'research.progress')).toBe(true);
      expect(mine.at(-1)).toMatchObject({ type: 'research.completed', data: { status: 'succeeded', kind: 'walk-forward', error: null } });
      // Someone else's run is not found, and not listed.
      const bob = await t.user();
      const foreign = await call(bob.auth, 'GET', `/research/${id}`);
      expect([foreign.status, foreign.json.error.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
      expect((await call(bob.auth, 'GET', '/research')).json.research).toEqual([]);
      expect(
        (await call(ada.auth, 'GET', '/research')).json.research.map((r: { id: string }) => r.id),
      ).toEqual([id]);
      // A finished run cannot be cancelled.
      const late = await call(ada.auth, 'POST', `/research/${id}/cancel`);
      expect([late.status, late.json.error.code]).toEqual([409, 'STRATEGY_RUN_FINISHED']);
    },
  );

  it('refuses bad input with a coded 4xx and queues nothing', async () => {
    const eve = await t.user();
    const strategyId = await strategyOf(eve.auth);
    const values = Array.from({ length: 100 }, (_, i) => i + 2);
    const huge = await call(
      eve.auth,
      'POST',
      '/research',
      walkForward(strategyId, {
        grid: { fast: values, slow: values, a: values, b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      }),
    );
    expect([huge.status, huge.json.error.code]).toEqual([400, 'STRATEGY_CONFIG_INVALID']);
    const long = await call(
      eve.auth,
      'POST',
      '/research',
      walkForward(strategyId, { inSampleBars: 550, outSampleBars: 100 }),
    );
    expect([long.status, long.json.error.code]).toEqual([400, 'STRATEGY_CONFIG_INVALID']);
    // A fold shorter than its warm-up: the 100-bar out-of-sample window after 150 bars of warm-up
    const shortFold = await call(eve.auth, 'POST', '/research', walkForward(strategyId, { warmupBars: 150 }));
    expect([shortFold.status, shortFold.json.error.code, shortFold.json.error.details]).toEqual([
      400,
      'STRATEGY_CONFIG_INVALID',
      { inSampleBars: 300, outSampleBars: 100, warmupBars: 150 },
    ]);
    // The warm-up counts against the range too: 100 + 450 + 100 bars do not fit in 600
    const crowded = await call(eve.auth, 'POST', '/research', walkForward(strategyId, { warmupBars: 100, inSampleBars: 450 }));
    expect([crowded.status, crowded.json.error.code]).toEqual([400, 'STRATEGY_CONFIG_INVALID']);
    // Issue 46.1: windows of 2 bars stepping by 1, and windows overlapping out of sample
    const tiny = await call(eve.auth, 'POST', '/research', walkForward(strategyId, { inSampleBars: 2, outSampleBars: 2, stepBars: 1 }));
    expect([tiny.status, tiny.json.error.code, tiny.json.error.details.minInSampleBars]).toEqual([
      400,
      'STRATEGY_CONFIG_INVALID',
      30,
    ]);
    const overlap = await call(eve.auth, 'POST', '/research', walkForward(strategyId, { stepBars: 50 }));
    expect([overlap.status, overlap.json.error.code]).toEqual([400, 'STRATEGY_CONFIG_INVALID']);
    // Issue 46.6: a job above the free tier's 5,000 trials is refused with its estimate:
    // (600 − 40) / 10 + 1 = 57 windows × 101 + 100 = 5,857 trials
    const sets = Array.from({ length: 100 }, (_, i) => i + 2);
    const big = walkForward(strategyId, { grid: { fast: sets }, inSampleBars: 30, outSampleBars: 10 });
    const tooLarge = await call(eve.auth, 'POST', '/research', big);
    expect([tooLarge.status, tooLarge.json.error.code, tooLarge.json.error.details.estimate.trials]).toEqual([
      403,
      'STRATEGY_RESEARCH_TOO_LARGE',
      5_857,
    ]);
    expect(tooLarge.json.error.message).toMatch(/bar-steps in 5,857 trials, ≈ .+ s, ≤ \d+ MB/);
    // The same estimate before asking, without queueing
    const asked = await call(eve.auth, 'POST', '/research/estimate', big);
    expect([asked.status, asked.json.withinTier, asked.json.refusal.code, asked.json.estimate.trials]).toEqual([
      200,
      false,
      'STRATEGY_RESEARCH_TOO_LARGE',
      5_857,
    ]);
    expect(asked.json.limits).toMatchObject({ maxTrialsPerJob: 5_000 });
    const fits = await call(eve.auth, 'POST', '/research/estimate', walkForward(strategyId));
    expect([fits.status, fits.json.withinTier, fits.json.estimate.trials]).toEqual([200, true, 19]);
    const kind = await call(eve.auth, 'POST', '/research', { ...walkForward(strategyId), kind: 'astrology' });
    expect(kind.status).toBe(400);
    const noData = await call(
      eve.auth,
      'POST',
      '/research',
      walkForward(strategyId, { from: T0 - 900 * HOUR, to: T0 - 1 }),
    );
    expect([noData.status, noData.json.error.code]).toEqual([422, 'STRATEGY_NO_DATA']);
    expect((await call(eve.auth, 'GET', '/research')).json.research).toEqual([]);
  });

  it('counts the concurrency quota atomically and cancels a queued run', { timeout: 60_000 }, async () => {
    const cy = await t.user();
    const strategyId = await strategyOf(cy.auth);
    await t.host.researchQueue.stop();
    const look = {
      kind: 'lookahead',
      strategyId,
      feeds: [{ symbol: 'BTC-USDT', interval: '1h' }],
      from: T0,
      to: T0 + 600 * HOUR,
      points: 4,
    };
    const burst = await Promise.all([1, 2, 3].map(() => call(cy.auth, 'POST', '/research', look)));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 429, 429]);
    expect(burst.filter((r) => r.status === 429).map((r) => r.json.error.code)).toEqual([
      'STRATEGY_QUOTA_RESEARCH_CONCURRENT',
      'STRATEGY_QUOTA_RESEARCH_CONCURRENT',
    ]);
    const id = burst.find((r) => r.status === 202)!.json.research.id as string;
    const cancelled = await call(cy.auth, 'POST', `/research/${id}/cancel`);
    expect([cancelled.status, cancelled.json.research.status]).toEqual([202, 'cancelled']);
    expect((await call(cy.auth, 'GET', `/research/${id}`)).json.research.error.code).toBe(
      'STRATEGY_RUN_CANCELLED',
    );
  });
});
