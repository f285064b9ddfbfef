import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import { runBacktest } from '../core/engine.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { checkRecursive } from './recursive.ts';

const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 5_000, 3);
const job: BacktestJob = { code: '', feeds: [feed], settings: resolveBacktestSettings({}) };

/** Runs one trusted definition on this thread, as the sandbox would run its code. */
function trusted(definition: StrategyDefinition): BacktestExecutor {
  return {
    concurrency: 1,
    run: (j) => Promise.resolve(runBacktest(definition, j.feeds, j.settings, { params: j.params })),
    close: () => Promise.resolve(),
  };
}

describe('recursive check', () => {
  it('reports an EMA warmed up on too few bars, and the history from which it settles', async () => {
    // Given a strategy plotting an EMA(50), which depends on every bar it saw
    const ema = trusted({
      init: (ctx) => ({ ema: new ctx.ta.EmaStream(50) }),
      onCandle(ctx) {
        ctx.plot('ema50', (ctx.state as { ema: { update(v: number): number } }).ema.update(ctx.close.at(0)));
      },
    });
    const progress: number[] = [];
    // When checked with the default histories (50 … 3,200 bars of 5,000)
    const report = await checkRecursive(ema, job, { onProgress: (done) => progress.push(done) });
    // Then the short histories differ from the full run, the long ones match
    expect(report.ok).toBe(false);
    expect(report).toMatchObject({
      bars: 5_000,
      series: 1,
      histories: [50, 100, 200, 400, 800, 1_600, 3_200],
    });
    const differing = report.differences.map((d) => d.bars);
    expect(differing).toContain(50);
    expect(differing).not.toContain(3_200);
    const settled = report.settledFrom.ema50!;
    expect(settled).toBeGreaterThan(Math.max(...differing));
    for (const d of report.differences) {
      expect(d.series).toBe('ema50');
      expect(d.relative).toBeGreaterThan(1e-9);
      expect(d.value).not.toBe(d.full);
    }
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('passes an SMA, exact once it has its period', async () => {
    const sma = trusted({
      init: (ctx) => ({ sma: new ctx.ta.SmaStream(20) }),
      onCandle(ctx) {
        ctx.plot('sma20', (ctx.state as { sma: { update(v: number): number } }).sma.update(ctx.close.at(0)));
      },
    });
    const report = await checkRecursive(sma, job, { histories: [30, 300] });
    expect(report).toMatchObject({ ok: true, series: 1, differences: [], settledFrom: { sma20: 30 } });
  });

  it('reports a value that depends on how many bars the run has seen (a bar counter)', async () => {
    const counter = trusted({
      onCandle(ctx) {
        ctx.plot('index', ctx.feed.index);
      },
    });
    const report = await checkRecursive(counter, job, { histories: [100, 4_000, 9_000] });
    // 9,000 is not shorter than the data: left out.
    expect(report.histories).toEqual([100, 4_000]);
    expect(report.differences.map((d) => [d.bars, d.value, d.full])).toEqual([
      [100, 99, 4_999],
      [4_000, 3_999, 4_999],
    ]);
    expect(report.settledFrom).toEqual({ index: null });
  });

  it('has nothing to compare for a strategy that plots nothing, and says so', async () => {
    const silent = trusted({ onCandle() {} });
    const report = await checkRecursive(silent, job, { histories: [100] });
    expect(report).toMatchObject({ ok: true, series: 0, differences: [], settledFrom: {} });
  });
});
