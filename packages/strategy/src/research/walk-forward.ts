/**
 * @module Walk-forward optimisation: over rolling windows, every parameter combination of a grid
 * runs on the in-sample part, the best (by the objective) runs on the following out-of-sample
 * part, and the out-of-sample runs are chained into one equity curve, each window starting with
 * the equity the previous one ended with. Only out-of-sample results say how the method would
 * have done; the in-sample scores say how much it was fitted. With `warmupBars`, every window's
 * runs first see that many earlier bars as a live run's warm-up (orders dropped, nothing scored),
 * so indicators are settled when a window opens, as they are when a live run is enabled.
 */
import { TicklineError } from '@tickline/kernel';
import type { EngineRunResult } from '../core/engine.ts';
import { drawdown } from '../core/metrics.ts';
import type { Metrics } from '../core/types.ts';
import type { BacktestExecutor, BacktestJob, TrialJob } from './executor.ts';
import { forEachConcurrent, runTrials, trialBatchSize } from './executor.ts';
import { sliceFeeds } from './feeds.ts';
import { assertSaneWindows, MAX_WINDOWS, windowCount } from './research-budget.ts';

export type Objective = 'sharpe' | 'sortino' | 'calmar' | 'totalReturn' | 'profitFactor';
export type ParamGrid = Readonly<Record<string, readonly (number | boolean | string)[]>>;

export interface WalkForwardOptions {
  grid: ParamGrid;
  /** In-sample length in bars of the first feed. */
  inSampleBars: number;
  /** Out-of-sample length in bars of the first feed. */
  outSampleBars: number;
  /** How far each window moves. @default outSampleBars */
  stepBars?: number;
  /**
   * Bars before each window its runs see as warm-up (a live run's `warmupBars`); the first window
   * starts after them. A window shorter than its warm-up is refused. @default 0
   */
  warmupBars?: number;
  /** @default 'sharpe' */
  objective?: Objective;
  /** Largest grid accepted. @default 1000 */
  maxCombinations?: number;
  /** Most windows accepted. @default MAX_WINDOWS */
  maxWindows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface WalkForwardWindow {
  inSample: { from: number; to: number };
  outSample: { from: number; to: number };
  bestParams: Record<string, number | boolean | string>;
  inSampleScore: number;
  outSampleScore: number;
  outSampleReturn: number;
  outSampleTrades: number;
}

export interface WalkForwardReport {
  windows: WalkForwardWindow[];
  /** Out-of-sample equity, window after window. */
  equity: { time: Float64Array; value: Float64Array };
  totalReturn: number;
  maxDrawdown: number;
  runs: number;
}

/** Every combination of the grid, in a stable order (last key varies fastest). */
export function gridCombinations(grid: ParamGrid): Array<Record<string, number | boolean | string>> {
  let combos: Array<Record<string, number | boolean | string>> = [{}];
  for (const [name, values] of Object.entries(grid)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** A higher-is-better score; runs without a value (no trades, no drawdown) rank last. */
export function score(metrics: Metrics, objective: Objective): number {
  const v = objective === 'totalReturn' ? metrics.totalReturn : metrics[objective];
  return v === null || !Number.isFinite(v) ? -Infinity : v;
}

/**
 * STRATEGY_CONFIG_INVALID when a window is shorter than its warm-up: its score would rest on
 * fewer decided bars than the strategy needs before it decides at all.
 */
export function assertFoldsCoverWarmup(
  inSampleBars: number,
  outSampleBars: number,
  warmupBars: number,
): void {
  const shortest = Math.min(inSampleBars, outSampleBars);
  if (warmupBars > shortest) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `a ${shortest}-bar window is shorter than the ${warmupBars}-bar warm-up`,
      { details: { inSampleBars, outSampleBars, warmupBars } },
    );
  }
}

/** `parts`' columns one after another, each in one new array. */
function joined(parts: ReadonlyArray<{ time: Float64Array; value: Float64Array }>): {
  time: Float64Array;
  value: Float64Array;
} {
  const length = parts.reduce((n, p) => n + p.time.length, 0);
  const time = new Float64Array(length);
  const value = new Float64Array(length);
  let at = 0;
  for (const p of parts) {
    time.set(p.time, at);
    value.set(p.value, at);
    at += p.time.length;
  }
  return { time, value };
}

/** Runs the walk-forward analysis (see module doc). */
export async function walkForward(
  executor: BacktestExecutor,
  job: BacktestJob,
  options: WalkForwardOptions,
): Promise<WalkForwardReport> {
  const objective = options.objective ?? 'sharpe';
  const step = options.stepBars ?? options.outSampleBars;
  const maxCombinations = options.maxCombinations ?? 1_000;
  let sets = 1;
  for (const values of Object.values(options.grid)) sets *= values.length;
  if (sets === 0 || sets > maxCombinations) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `the grid has ${sets} combinations (1–${maxCombinations} allowed)`,
    );
  }
  const combos = gridCombinations(options.grid);
  const warmup = options.warmupBars ?? 0;
  const shape = { ...options, stepBars: step, warmupBars: warmup };
  assertSaneWindows(shape);
  assertFoldsCoverWarmup(options.inSampleBars, options.outSampleBars, warmup);
  const c = job.feeds[0]!.columns;
  const n = c.closeTime.length;
  const windowsTotal = windowCount(n, shape);
  if (windowsTotal === 0) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `${n} bars are fewer than ${warmup ? 'the warm-up plus ' : ''}one in-sample plus one out-of-sample window`,
    );
  }
  const maxWindows = options.maxWindows ?? MAX_WINDOWS;
  if (windowsTotal > maxWindows) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `${windowsTotal} windows over ${n} bars; at most ${maxWindows}: lengthen the windows or the step`,
      { details: { bars: n, windows: windowsTotal, maxWindows } },
    );
  }
  const starts = Array.from({ length: windowsTotal }, (_, w) => warmup + w * step);
  const total = starts.length * (combos.length + 1);
  let done = 0;
  const tick = (): void => options.onProgress?.(++done, total);
  // Time bounds: a window holds the bars closing in (from, to].
  const bound = (i: number): number => (i === 0 ? c.openTime[0]! : c.closeTime[i - 1]!);
  /** A window's feeds and its warm-up: the bars closing in (from − warm-up, to], decided after `from`. */
  const window = (from: number, to: number) => ({
    feeds: sliceFeeds(job.feeds, bound(from - warmup), bound(to)),
    ...(warmup > 0 ? { warmupUntil: bound(from) } : {}),
  });
  const windows: WalkForwardWindow[] = [];
  // Each window's part of the stitched curve, as views of its run's columns, joined once at the
  // end (number arrays of every out-of-sample bar grew by copies: tens of MB at 1M bars).
  const parts: Array<{ time: Float64Array; value: Float64Array }> = [];
  let capital = job.settings.startingCapital;
  // In-sample grids of all windows run together, so the pool stays busy across windows. Trials
  // are made as lanes free up and only each window's best is kept (the first set on ties, as a
  // sequential scan would pick), so memory does not grow with windows × grid.
  const bestScore = new Float64Array(starts.length).fill(-Infinity);
  const best = new Int32Array(starts.length).fill(-1);
  // A window's sets go in batches (one isolate, each trial loaded afresh: executor.ts), a lane
  // at a time, so a thousand trials are a few dozen calls.
  const batch = trialBatchSize(starts.length * combos.length, executor.concurrency);
  function* inSampleBatches(): Generator<{ w: number; from: number; to: number }> {
    for (let w = 0; w < starts.length; w++)
      for (let from = 0; from < combos.length; from += batch)
        yield { w, from, to: Math.min(combos.length, from + batch) };
  }
  const inSampleJob: BacktestJob = { ...job, recordSignals: false };
  await forEachConcurrent(inSampleBatches(), executor.concurrency, async ({ w, from, to }) => {
    const s = starts[w]!;
    const slice = window(s, s + options.inSampleBars);
    const trials: TrialJob[] = [];
    for (let j = from; j < to; j++) {
      trials.push({
        ...slice,
        settings: job.settings,
        params: { ...job.params, ...combos[j]! },
        equityPoints: 2,
        keepTrades: false,
      });
    }
    const results = await runTrials(executor, inSampleJob, trials);
    results.forEach((r, k) => {
      const j = from + k;
      tick();
      const v = score(r.metrics, objective);
      if (best[w] === -1 || v > bestScore[w]! || (v === bestScore[w] && j < best[w]!)) {
        bestScore[w] = v;
        best[w] = j;
      }
    });
  });
  // Out-of-sample runs chain capital, so they run in order.
  for (let w = 0; w < starts.length; w++) {
    const s = starts[w]!;
    const isFrom = bound(s);
    const oosFrom = bound(s + options.inSampleBars);
    const oosTo = bound(s + options.inSampleBars + options.outSampleBars);
    const params = combos[best[w]!]!;
    const r: EngineRunResult = await executor.run({
      ...job,
      ...window(s + options.inSampleBars, s + options.inSampleBars + options.outSampleBars),
      settings: { ...job.settings, startingCapital: capital },
      params: { ...job.params, ...params },
      recordSignals: false,
      keepTrades: false,
    });
    tick();
    // Warm-up steps hold the starting capital; the stitched curve is the windows' own bars.
    let first = 0;
    while (first < r.equity.time.length && r.equity.time[first]! <= oosFrom) first++;
    parts.push({ time: r.equity.time.subarray(first), value: r.equity.value.subarray(first) });
    windows.push({
      inSample: { from: isFrom, to: oosFrom },
      outSample: { from: oosFrom, to: oosTo },
      bestParams: params,
      inSampleScore: bestScore[w]!,
      outSampleScore: score(r.metrics, objective),
      outSampleReturn: r.metrics.totalReturn,
      outSampleTrades: r.metrics.trades,
    });
    capital = r.metrics.finalEquity;
  }
  const equity = joined(parts);
  const start = job.settings.startingCapital;
  return {
    windows,
    equity,
    totalReturn: capital / start - 1,
    maxDrawdown: drawdown(equity.time, equity.value, start, windows[0]!.outSample.from).maxDrawdown,
    runs: total,
  };
}
