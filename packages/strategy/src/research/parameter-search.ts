/**
 * @module Parameter search: every parameter set of a grid runs over the whole range, ranked by the
 * objective. What makes the best set trustworthy is not its score but the overfitting measures
 * computed over all trials: the deflated Sharpe ratio of the best (deflated by the number of
 * sets tried) and the probability of backtest overfitting across the grid.
 */
import { TicklineError } from '@tickline/kernel';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { mapConcurrent } from './executor.ts';
import {
  blockCount,
  blockStats,
  deflatedSharpe,
  moments,
  pboFromBlocks,
  returnsOf,
  type BlockStats,
  type DeflatedSharpe,
} from './overfitting.ts';
import { gridCombinations, score, type Objective, type ParamGrid } from './walk-forward.ts';

export interface SearchOptions {
  grid: ParamGrid;
  /** @default 'sharpe' */
  objective?: Objective;
  /** Largest grid accepted. @default 1000 */
  maxCombinations?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SearchTrial {
  params: Record<string, number | boolean | string>;
  score: number | null;
  totalReturn: number;
  maxDrawdown: number;
  trades: number;
  /** Per-bar Sharpe ratio of the trial's equity (what the overfitting measures use). */
  barSharpe: number;
}

/** The overfitting part of every research report. */
export interface OverfittingReport {
  deflatedSharpe: DeflatedSharpe;
  /** Null with a single trial or too few bars (see `pboNote`). */
  pbo: { value: number; splits: number; blocks: number } | null;
  pboNote?: string;
}

export interface SearchReport {
  objective: Objective;
  /** Best first. */
  trials: SearchTrial[];
  best: SearchTrial;
  overfitting: OverfittingReport;
}

/** Checks a grid's size with a coded error, before anything is queued or run. */
export function assertGridSize(grid: ParamGrid, maxCombinations: number): number {
  let n = 1;
  for (const values of Object.values(grid)) n *= values.length;
  if (n === 0 || n > maxCombinations) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `the grid has ${n} combinations (1–${maxCombinations} allowed)`,
      { details: { combinations: n, max: maxCombinations } },
    );
  }
  return n;
}

export async function parameterSearch(
  executor: BacktestExecutor,
  job: BacktestJob,
  options: SearchOptions,
): Promise<SearchReport> {
  const objective = options.objective ?? 'sharpe';
  assertGridSize(options.grid, options.maxCombinations ?? 1_000);
  const combos = gridCombinations(options.grid);
  let done = 0;
  const bars = job.feeds[0]!.columns.closeTime.length;
  const blocks = blockCount(Math.max(0, bars - 1));
  const runs = await mapConcurrent(combos, executor.concurrency, async (params) => {
    const r = await executor.run({ ...job, params: { ...job.params, ...params }, recordSignals: false });
    options.onProgress?.(++done, combos.length);
    // Only block sums and moments are kept: a 1M-bar curve per trial would not fit 100 trials.
    const returns = returnsOf(r.equity.value);
    const m = moments(returns);
    const s = score(r.metrics, objective);
    const trial: SearchTrial = {
      params,
      score: Number.isFinite(s) ? s : null,
      totalReturn: r.metrics.totalReturn,
      maxDrawdown: r.metrics.drawdown.maxDrawdown,
      trades: r.metrics.trades,
      barSharpe: m.std > 0 ? m.mean / m.std : 0,
    };
    return { trial, moments: m, blocks: blocks >= 2 ? blockStats(returns, blocks) : null };
  });
  const order = runs.map((_, i) => i).sort((a, b) => (runs[b]!.trial.score ?? -Infinity) - (runs[a]!.trial.score ?? -Infinity));
  const best = runs[order[0]!]!;
  const sharpes = moments(runs.map((r) => r.trial.barSharpe));
  const stats = runs.map((r) => r.blocks).filter((b): b is BlockStats => b !== null);
  const pbo = stats.length === runs.length ? pboFromBlocks(stats) : null;
  return {
    objective,
    trials: order.map((i) => runs[i]!.trial),
    best: best.trial,
    overfitting: {
      deflatedSharpe: deflatedSharpe({
        sharpe: best.trial.barSharpe,
        n: best.moments.n,
        skewness: best.moments.skewness,
        kurtosis: best.moments.kurtosis,
        trials: runs.length,
        trialVariance: sharpes.std * sharpes.std,
      }),
      pbo: pbo && { value: pbo.value, splits: pbo.splits, blocks: pbo.blocks },
      ...(pbo
        ? {}
        : { pboNote: runs.length < 2 ? 'one parameter set: nothing to overfit across' : 'too few bars for two blocks' }),
    },
  };
}
