import { describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { BacktestJob } from './executor.ts';
import { runBacktest } from '../core/engine.ts';
import { returnStats } from '../core/return-stats.ts';
import { evaluateTrustedStrategy } from '../sandbox/host-module.ts';
import { parameterSearch, sampleGrid } from './parameter-search.ts';
import { expectedMaxSharpe } from './overfitting.ts';
import { ResearchSpecSchema, runResearch, validateSpec } from './research-report.ts';
import { createSandboxExecutor } from './sandbox-executor.ts';

const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 2_000, 7);
const job: BacktestJob = {
  code: stripTypes(SMA_CROSS_SOURCE),
  feeds: [feed],
  settings: resolveBacktestSettings({ takerFee: 0.0005 }),
  params: { fast: 10, slow: 30 },
};
const executor = createSandboxExecutor({ limits: { ...DEFAULT_SANDBOX_LIMITS } });

describe('research reports', () => {
  it(
    'a walk-forward report carries the stitched curve and the overfitting measures',
    { timeout: 120_000 },
    async () => {
      const spec = ResearchSpecSchema.parse({
        kind: 'walk-forward',
        grid: { fast: [5, 10], slow: [30, 40] },
        inSampleBars: 600,
        outSampleBars: 400,
      });
      const progress: number[] = [];
      const report = await runResearch(executor, job, spec, (f) => progress.push(f));
      if (report.kind !== 'walk-forward') throw new Error('wrong kind');
      expect(report.walkForward.windows).toHaveLength(3);
      expect(report.walkForward.equity.length).toBeGreaterThan(100);
      expect(report.search.trials).toHaveLength(4);
      expect(report.overfitting.deflatedSharpe.trials).toBe(4);
      expect(report.overfitting.deflatedSharpe.value).toBeGreaterThanOrEqual(0);
      expect(report.overfitting.deflatedSharpe.value).toBeLessThanOrEqual(1);
      expect(report.overfitting.pbo).toMatchObject({ blocks: 16, splits: 12_870 });
      expect(progress.at(-1)).toBeCloseTo(1, 9);
      expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]! - 1e-12)).toBe(true);
    },
  );

  it(
    'the return statistics a trial makes in the isolate are those of its whole curve, and the search agrees with one run on this thread',
    { timeout: 120_000 },
    async () => {
      const full = await executor.run(job);
      const cut = await executor.run({ ...job, equityPoints: 2, returnStats: { blocks: 16 } });
      expect(full.equity.value.length).toBe(2_000);
      expect(cut.equity.value.length).toBeLessThanOrEqual(3);
      expect(cut.returnStats).toEqual(returnStats(full.equity.value, 16));
      expect(cut.metrics).toEqual(full.metrics);
      // The same search by the engine on this thread, which returns every step (no statistics).
      const definition = evaluateTrustedStrategy(job.code);
      const host = {
        concurrency: 1,
        run: (j: BacktestJob) =>
          Promise.resolve(runBacktest(definition, j.feeds, j.settings, { params: j.params })),
        close: () => Promise.resolve(),
      };
      const grid = { fast: [5, 10], slow: [30, 40] };
      expect(await parameterSearch(executor, job, { grid })).toEqual(
        await parameterSearch(host, job, { grid }),
      );
    },
  );

  it(
    'a look-ahead report of an honest strategy is clean and has a one-trial DSR',
    { timeout: 120_000 },
    async () => {
      const report = await runResearch(
        executor,
        job,
        ResearchSpecSchema.parse({ kind: 'lookahead', points: 4 }),
      );
      if (report.kind !== 'lookahead') throw new Error('wrong kind');
      expect(report.lookahead.ok).toBe(true);
      expect(report.overfitting.deflatedSharpe.benchmark).toBe(0);
      expect(report.overfitting.pbo).toBeNull();
    },
  );

  it('refuses a grid of ten million sets with a coded error', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const spec = ResearchSpecSchema.parse({
      kind: 'search',
      grid: { a: values, b: values, c: values, d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    });
    expect(() => validateSpec(spec)).toThrow(expect.objectContaining({ code: 'STRATEGY_CONFIG_INVALID' }));
  });
});

describe('random search', () => {
  it('draws distinct sets, the same for the same seed, from a grid too large to list', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const grid = { a: values, b: values, c: values, d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    const one = sampleGrid(grid, 50, 7);
    expect(new Set(one.map((c) => JSON.stringify(c))).size).toBe(50);
    expect(sampleGrid(grid, 50, 7)).toEqual(one);
    expect(sampleGrid(grid, 50, 8)).not.toEqual(one);
    expect(() => validateSpec(ResearchSpecSchema.parse({ kind: 'search', grid, samples: 50 }))).not.toThrow();
  });

  it(
    'deflates by the trials declared as made before: a higher luck benchmark, the same best and PBO',
    { timeout: 120_000 },
    async () => {
      // Given the same four-set search, once alone and once after 36 sets tried elsewhere on this data
      const grid = { fast: [5, 10], slow: [30, 40] };
      const alone = await runResearch(executor, job, ResearchSpecSchema.parse({ kind: 'search', grid }));
      const after = await runResearch(
        executor,
        job,
        ResearchSpecSchema.parse({ kind: 'search', grid, priorTrials: 36 }),
      );
      if (alone.kind !== 'search' || after.kind !== 'search') throw new Error('wrong kind');
      // Then the DSR counts all 40, and only the benchmark moves: σ(SR) × E[max of N normals]
      const [a, b] = [alone.overfitting, after.overfitting];
      expect([a.deflatedSharpe.trials, b.deflatedSharpe.trials, b.priorTrials]).toEqual([4, 40, 36]);
      expect(a.priorTrials).toBeUndefined();
      expect(b.deflatedSharpe.benchmark / a.deflatedSharpe.benchmark).toBeCloseTo(
        expectedMaxSharpe(40, 1) / expectedMaxSharpe(4, 1),
        12,
      );
      expect(b.deflatedSharpe.sharpe).toBe(a.deflatedSharpe.sharpe);
      expect(b.deflatedSharpe.value).toBeLessThan(a.deflatedSharpe.value);
      expect(after.search.best).toEqual(alone.search.best);
      expect(b.pbo).toEqual(a.pbo);
      // A count that is not a whole number of trials, or past any honest search, is refused
      for (const priorTrials of [-1, 1.5, 2_000_000])
        expect(() => ResearchSpecSchema.parse({ kind: 'search', grid, priorTrials })).toThrow();
    },
  );

  it('runs the drawn sets only, and refuses a draw above the limit', { timeout: 120_000 }, async () => {
    const spec = ResearchSpecSchema.parse({
      kind: 'search',
      grid: { fast: [5, 10, 15], slow: [30, 40, 50] },
      samples: 3,
      seed: 2,
    });
    const report = await runResearch(executor, job, spec);
    if (report.kind !== 'search') throw new Error('wrong kind');
    expect(report.search.trials).toHaveLength(3);
    expect(report.overfitting.deflatedSharpe.trials).toBe(3);
    expect(() => ResearchSpecSchema.parse({ kind: 'search', grid: { a: [1] }, samples: 5_000 })).toThrow();
  });
});
