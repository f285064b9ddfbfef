/**
 * @module Research trials in batches: one isolate for a batch, each trial loaded afresh. A trial
 * must start from the state a fresh isolate gives (module variables, random sequence) and give
 * the result it gives alone, in this process and through a sandbox process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { createInlineExecutor, type BacktestExecutor } from '../research/executor.ts';
import { shareFeeds, sliceFeeds } from '../research/feeds.ts';
import { parameterSearch } from '../research/parameter-search.ts';
import { walkForward } from '../research/walk-forward.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { StrategySandbox, type PackedRunResult, type TrialVariant } from './sandbox.ts';
import { StrategyProcesses } from './strategy-processes.ts';

const LIMITS = { memoryMb: 128, cpuMs: 5_000 };
const settings = resolveBacktestSettings({ takerFee: 0.001 });

/**
 * Keeps what it saw in module variables, draws from Math.random and tries to leave a mark on the
 * global: its one trade (size from the first draw, entry on its fifth bar) only happens as it
 * does alone when nothing of an earlier trial reached it.
 */
const STATEFUL = `
let seen = 0;
const draws = [];
let marked = false;
try {
  globalThis.mark = 1;
  marked = true;
} catch {
  marked = false;
}
export default defineStrategy({
  params: { n: { type: 'int', default: 1, min: 1, max: 4 } },
  onCandle(ctx) {
    seen++;
    draws.push(Math.random());
    if (seen === 5 && !marked && ctx.position().qty === 0)
      ctx.buy({ percent: 10 + Math.floor(draws[0] * 20) * ctx.params.n, reason: 'fifth bar' });
    if (seen === 50) ctx.closePosition(undefined, 'fiftieth bar');
  },
});
`;
const stateful = stripTypes(STATEFUL);
const sma = stripTypes(SMA_CROSS_SOURCE);

describe('sandbox - trial batches', () => {
  const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 4_000, 5)]) as [ReturnType<typeof randomWalkFeed>];
  const ct = feed.columns.closeTime;
  const windowOf = (from: number, to: number) => sliceFeeds([feed], ct[from]!, ct[to]!);

  it('each trial starts from a clean strategy state and gives what it gives alone', async () => {
    // Given trials of a strategy that keeps state in its module and draws random numbers
    const trials: TrialVariant[] = [1, 2, 1, 3].map((n, k) => ({
      feeds: windowOf(k * 200, k * 200 + 1_000),
      settings,
      params: { n },
    }));
    // When they run as one batch, and each alone in a fresh isolate
    const batch = await new StrategySandbox(LIMITS).runPackedTrials({ code: stateful, settings }, trials);
    const alone: PackedRunResult[] = [];
    for (const trial of trials) alone.push(await new StrategySandbox(LIMITS).runPacked({ code: stateful, ...trial }));
    // Then every trial of the batch traded once, exactly as it did alone
    expect(batch.map((r) => r.metrics.trades)).toEqual([1, 1, 1, 1]);
    batch.forEach((r, k) => {
      expect(r.trades).toEqual(alone[k]!.trades);
      expect(r.metrics).toEqual(alone[k]!.metrics);
      expect([...r.equity.value]).toEqual([...alone[k]!.equity.value]);
    });
  });

  it('trials of a batch give what they give alone, whatever their lengths and curves', async () => {
    // Given trials that cut their curve and ask for return statistics (the batch reuses the
    // isolate's columns for them), longer, shorter and longer again, one of three bars whose curve
    // is left uncut, and one that wants its whole curve
    const cut = { settings, equityPoints: 64, returnStats: { blocks: 4 }, keepTrades: false } as const;
    const trials: TrialVariant[] = [
      { ...cut, feeds: windowOf(0, 2_000), params: { fast: 5, slow: 20 } },
      { ...cut, feeds: windowOf(500, 900), params: { fast: 4, slow: 30 } },
      { ...cut, feeds: windowOf(100, 3_900), params: { fast: 6, slow: 25 } },
      { ...cut, equityPoints: 2, feeds: windowOf(10, 13), params: { fast: 2, slow: 3 } },
      { settings, feeds: windowOf(200, 1_200), params: { fast: 5, slow: 20 } },
    ];
    // When they run as one batch, and each alone in a fresh isolate
    const batch = await new StrategySandbox(LIMITS).runPackedTrials({ code: sma, settings }, trials);
    const alone: PackedRunResult[] = [];
    for (const trial of trials) alone.push(await new StrategySandbox(LIMITS).runPacked({ code: sma, ...trial }));
    // Then each trial's metrics, statistics and curve are its own
    expect(batch.map((r) => r.equity.time.length)).toEqual([64, 58, 65, 3, 1_000]);
    batch.forEach((r, k) => {
      expect(r.metrics).toEqual(alone[k]!.metrics);
      expect(r.returnStats).toEqual(alone[k]!.returnStats);
      expect([...r.equity.time]).toEqual([...alone[k]!.equity.time]);
      expect([...r.equity.value]).toEqual([...alone[k]!.equity.value]);
    });
    expect(batch[2]!.metrics.trades).toBeGreaterThan(10);
  });

  it('a trial of a batch that loops is stopped at its CPU limit', async () => {
    const looping = stripTypes(
      `export default defineStrategy({
        params: { loop: { type: 'int', default: 0, min: 0, max: 1 } },
        onCandle(ctx) { while (ctx.params.loop === 1) {} },
      });`,
    );
    const trials: TrialVariant[] = [0, 0, 1].map((loop) => ({ feeds: windowOf(0, 500), settings, params: { loop } }));
    const error = await new StrategySandbox({ memoryMb: 64, cpuMs: 1_000 })
      .runPackedTrials({ code: looping, settings }, trials)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STRATEGY_CPU_LIMIT' });
  });

  it('a walk-forward and a search give the same report batched as run by run', async () => {
    const inline = createInlineExecutor(LIMITS);
    // The same sandbox, without batches: one run per trial, as before batches existed.
    const runByRun: BacktestExecutor = { concurrency: 1, run: (job) => inline.run(job), close: () => Promise.resolve() };
    const job = { code: sma, feeds: [feed], settings };
    const grid = { fast: [4, 6, 8, 10], slow: [20, 30, 40, 50] };
    try {
      const shape = { grid, inSampleBars: 1_000, outSampleBars: 500 };
      const batched = await walkForward(inline, job, shape);
      const single = await walkForward(runByRun, job, shape);
      expect(batched.runs).toBe(6 * 17);
      expect(batched).toEqual(single);
      const wide = { fast: [3, 4, 5, 6, 7, 8, 9, 10], slow: [20, 25, 30, 35, 40, 45, 50, 60] };
      expect(await parameterSearch(inline, job, { grid: wide })).toEqual(await parameterSearch(runByRun, job, { grid: wide }));
    } finally {
      await inline.close();
    }
  }, 120_000);
});

describe('strategy processes - trial batches', () => {
  const processes = new StrategyProcesses({ backtestProcesses: 1, compileProcesses: 1 });
  beforeAll(async () => {
    await processes.start();
    await processes.ready();
  }, 60_000);
  afterAll(() => processes.stop());

  it('a batch through a process gives each trial what a run of its own gives, its trades left behind', async () => {
    const [feed] = shareFeeds([randomWalkFeed('BTC-USDT', '1m', 60_000, 60_000, 8)]) as [ReturnType<typeof randomWalkFeed>];
    const ct = feed.columns.closeTime;
    const trials: TrialVariant[] = [0, 1, 2, 3].map((w) => ({
      feeds: sliceFeeds([feed], ct[w * 10_000]!, ct[w * 10_000 + 20_000]!),
      settings,
      params: { fast: 5 + w, slow: 30 },
      equityPoints: 2,
      keepTrades: false,
    }));
    const batch = await processes.runTrials({ code: sma, settings }, trials, LIMITS);
    for (const [k, trial] of trials.entries()) {
      const alone = await processes.run({ code: sma, ...trial, keepTrades: true }, LIMITS);
      expect(alone.trades.length).toBeGreaterThan(10);
      expect(batch[k]!.trades).toEqual([]);
      expect(batch[k]!.metrics).toEqual(alone.metrics);
      expect([...batch[k]!.equity.value]).toEqual([...alone.equity.value]);
      expect(batch[k]!.cpuMs).toBeGreaterThan(0);
    }
  }, 120_000);
});
