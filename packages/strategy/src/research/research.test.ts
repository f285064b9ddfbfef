import { afterAll, describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { runBacktest } from '../core/engine.ts';
import type { Feed } from '../core/types.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { evaluateTrustedStrategy } from '../sandbox/host-module.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { createInlineExecutor, forEachConcurrent } from './executor.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { shareFeeds } from './feeds.ts';
import { checkLookahead } from './lookahead.ts';
import { gridCombinations, score, walkForward } from './walk-forward.ts';
import { createWorkerPool } from './worker-pool.ts';

const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 5_000, 3);
const settings = resolveBacktestSettings({ takerFee: 0.0005 });
const js = stripTypes(SMA_CROSS_SOURCE);
const job: BacktestJob = { code: js, feeds: [feed], settings, params: { fast: 10, slow: 30 } };

/** Runs trusted definitions built from the job's own feeds on this thread. */
function hostExecutor(make: (feeds: readonly Feed[]) => StrategyDefinition): BacktestExecutor {
  return {
    concurrency: 1,
    run: (j) =>
      Promise.resolve(
        runBacktest(make(j.feeds), j.feeds, j.settings, { params: j.params, recordSignals: j.recordSignals }),
      ),
    close: () => Promise.resolve(),
  };
}

describe('look-ahead check', () => {
  const inline = createInlineExecutor();
  afterAll(() => inline.close());

  it('passes a strategy that only reads past bars', { timeout: 60_000 }, async () => {
    const progress: number[] = [];
    const report = await checkLookahead(inline, job, { points: 8, onProgress: (d) => progress.push(d) });
    expect(report.signals).toBeGreaterThan(20);
    expect(report.cutoffs).toHaveLength(8);
    expect(report).toMatchObject({ ok: true, differences: [] });
    expect(progress.at(-1)).toBe(9);
  });

  it('reports the orders of a strategy that peeks at the next bar', async () => {
    // Given a strategy that buys before a rise, reading the next close from the data it was given
    const peeking = hostExecutor((feeds) => ({
      onCandle(ctx) {
        const next = feeds[0]!.columns.close[ctx.feed.index + 1];
        if (ctx.position().qty === 0 && next !== undefined && next > ctx.close.at(0))
          ctx.buy({ percent: 50 });
        else if (ctx.position().qty > 0) ctx.closePosition();
      },
    }));
    // When checked at 8 cuts, Then the orders at the cuts differ when the next bar is hidden
    const report = await checkLookahead(peeking, { ...job, params: {} }, { points: 8 });
    expect(report.ok).toBe(false);
    expect(report.differences.length).toBeGreaterThan(0);
    for (const d of report.differences) expect(d.time).toBeLessThanOrEqual(d.cutoff);
  });
});

describe('walk-forward optimisation', () => {
  const grid = { fast: [5, 10, 20], slow: [30, 60] };
  const options = { grid, inSampleBars: 2_000, outSampleBars: 500 };

  it('lists grid combinations in a stable order', () => {
    expect(gridCombinations(grid)).toEqual([
      { fast: 5, slow: 30 },
      { fast: 5, slow: 60 },
      { fast: 10, slow: 30 },
      { fast: 10, slow: 60 },
      { fast: 20, slow: 30 },
      { fast: 20, slow: 60 },
    ]);
  });

  it(
    'picks the best in-sample parameters, scores them out of sample and chains the equity',
    { timeout: 60_000 },
    async () => {
      const inline = createInlineExecutor();
      const progress: Array<[number, number]> = [];
      const report = await walkForward(inline, job, {
        ...options,
        onProgress: (d, t) => progress.push([d, t]),
      });
      await inline.close();
      // (5,000 − 2,500) / 500 + 1 = 6 windows of 6 in-sample runs and 1 out-of-sample run
      expect(report.windows).toHaveLength(6);
      expect(report.runs).toBe(42);
      expect(progress.at(-1)).toEqual([42, 42]);
      // Independently: the first window's winner on the host
      const def = evaluateTrustedStrategy(js);
      const w0 = report.windows[0]!;
      const slice = {
        ...feed,
        columns: Object.fromEntries(Object.entries(feed.columns).map(([k, v]) => [k, v.subarray(0, 2_000)])),
      } as Feed;
      const scores = gridCombinations(grid).map((p) =>
        score(runBacktest(def, [slice], settings, { params: p }).metrics, 'sharpe'),
      );
      expect(w0.inSampleScore).toBe(Math.max(...scores));
      // One-minute windows of ~33 h are scored (per-bar Sharpe, issue 48), so each window chooses
      expect(report.windows.every((w) => Number.isFinite(w.inSampleScore))).toBe(true);
      expect(new Set(scores).size).toBeGreaterThan(1);
      expect(w0.bestParams).toEqual(gridCombinations(grid)[scores.indexOf(Math.max(...scores))]);
      // The stitched curve has one point per out-of-sample bar and ends at the chained capital
      expect(report.equity.value).toHaveLength(6 * 500);
      expect(report.equity.value.at(-1)! / settings.startingCapital - 1).toBeCloseTo(report.totalReturn, 12);
      const chained = report.windows.reduce((c, w) => c * (1 + w.outSampleReturn), 1) - 1;
      expect(report.totalReturn).toBeCloseTo(chained, 9);
    },
  );

  it('gives the same report on a pool of worker threads (one isolate each)', async () => {
    const pool = createWorkerPool({ size: 2 });
    try {
      const inline = createInlineExecutor();
      const [a, b] = [
        await walkForward(inline, job, options),
        await walkForward(pool, { ...job, feeds: shareFeeds(job.feeds) }, options),
      ];
      await inline.close();
      expect(b.windows).toEqual(a.windows);
      expect([...b.equity.value]).toEqual([...a.equity.value]);
    } finally {
      await pool.close();
    }
    // Starting threads and isolates on a loaded two-core machine takes seconds.
  }, 120_000);

  it(
    'warms every window up on the bars before it, as a live run is warmed up',
    { timeout: 60_000 },
    async () => {
      // Given windows of 2,000 / 500 bars with 300 bars of warm-up before each
      const inline = createInlineExecutor();
      const warm = await walkForward(inline, job, { ...options, warmupBars: 300 });
      await inline.close();
      // Then the first window starts after the warm-up: (5,000 − 300 − 2,500) / 500 + 1 = 5 windows
      expect(warm.windows).toHaveLength(5);
      expect(warm.windows[0]!.inSample.from).toBe(feed.columns.closeTime[299]);
      // And each out-of-sample run is the host engine's run over warm-up plus window, deciding only
      // in the window: the SMA(30) is settled at its first bar, so it may trade there
      const def = evaluateTrustedStrategy(js);
      const c = feed.columns;
      const w = warm.windows[1]!;
      const slice = (a: number, b: number) =>
        ({
          ...feed,
          columns: Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.subarray(a, b)])),
        }) as Feed;
      const at = (t: number) => c.closeTime.indexOf(t) + 1;
      const host = runBacktest(def, [slice(at(w.outSample.from) - 300, at(w.outSample.to))], settings, {
        params: w.bestParams,
        warmupUntil: w.outSample.from,
      });
      expect(w.outSampleReturn).toBeCloseTo(host.metrics.totalReturn, 12);
      expect(w.outSampleTrades).toBe(host.metrics.trades);
      // And the stitched curve holds the windows' own bars only, no warm-up points
      expect(warm.equity.value).toHaveLength(5 * 500);
      expect(warm.equity.time[0]).toBeGreaterThan(warm.windows[0]!.outSample.from);
    },
  );

  it('refuses a window shorter than its warm-up, before running anything', async () => {
    let runs = 0;
    const counting: BacktestExecutor = {
      concurrency: 1,
      run: () => (runs++, Promise.reject(new Error('ran'))),
      close: () => Promise.resolve(),
    };
    await expect(walkForward(counting, job, { ...options, warmupBars: 501 })).rejects.toMatchObject({
      code: 'STRATEGY_CONFIG_INVALID',
      details: { outSampleBars: 500, warmupBars: 501 },
    });
    expect(runs).toBe(0);
  });

  it('refuses windows of two bars stepping by one, and too many windows, before running anything (issue 46)', async () => {
    // Given an executor that counts what it is asked to run
    let runs = 0;
    const counting: BacktestExecutor = {
      concurrency: 2,
      run: () => (runs++, Promise.reject(new Error('ran'))),
      close: () => Promise.resolve(),
    };
    // When windows of 2 bars step by 1 (the round-4 attack: ~5,000 windows × the grid)
    await expect(
      walkForward(counting, job, { grid, inSampleBars: 2, outSampleBars: 2, stepBars: 1 }),
    ).rejects.toMatchObject({ code: 'STRATEGY_CONFIG_INVALID', details: { minInSampleBars: 30 } });
    // Or out-of-sample windows that overlap
    await expect(
      walkForward(counting, job, { grid, inSampleBars: 100, outSampleBars: 50, stepBars: 10 }),
    ).rejects.toMatchObject({ code: 'STRATEGY_CONFIG_INVALID', details: { stepBars: 10 } });
    // Or sane windows too many times over 5,000 bars: (5,000 − 40) / 10 + 1 = 497 > 200
    await expect(
      walkForward(counting, job, { grid, inSampleBars: 30, outSampleBars: 10 }),
    ).rejects.toMatchObject({ code: 'STRATEGY_CONFIG_INVALID', details: { windows: 497, maxWindows: 200 } });
    // Then nothing ran
    expect(runs).toBe(0);
  });

  it('makes trials as lanes free up, and stops making them after a failure', async () => {
    // Given a million items, yielded one by one and counted
    let pulled = 0;
    function* many(): Generator<number> {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield i;
      }
    }
    // When the tenth run fails with two lanes
    let ran = 0;
    await expect(
      forEachConcurrent(many(), 2, async (i) => {
        ran++;
        await Promise.resolve();
        if (i === 9) throw new Error('tenth');
      }),
    ).rejects.toThrow('tenth');
    // Then no more than the runs made (and the one in flight) were pulled
    expect(pulled).toBe(ran);
    expect(ran).toBeLessThanOrEqual(11);
  });

  it('rejects an empty or oversized grid and windows longer than the data', async () => {
    const inline = createInlineExecutor();
    await expect(walkForward(inline, job, { ...options, grid: { fast: [] } })).rejects.toMatchObject({
      code: 'STRATEGY_CONFIG_INVALID',
    });
    await expect(walkForward(inline, job, { ...options, maxCombinations: 3 })).rejects.toMatchObject({
      code: 'STRATEGY_CONFIG_INVALID',
    });
    await expect(walkForward(inline, job, { ...options, inSampleBars: 5_000 })).rejects.toMatchObject({
      code: 'STRATEGY_CONFIG_INVALID',
    });
    await inline.close();
  });
});
