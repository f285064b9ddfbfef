/**
 * @module Parameter search: every parameter set of a grid runs over the whole range, ranked by the
 * objective. What makes the best set trustworthy is not its score but the overfitting measures
 * computed over all trials: the deflated Sharpe ratio of the best (deflated by the number of
 * sets tried) and the probability of backtest overfitting across the grid.
 */
import { TicklineError } from '@tickline/kernel';
import { downsampleEquity } from '../module/backtest-queue.ts';
import type { EngineRunResult } from '../core/engine.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { forEachConcurrent, runTrials, trialBatchSize } from './executor.ts';
import {
  blockCount,
  deflatedSharpe,
  moments,
  pboFromBlocks,
  returnStats,
  type BlockStats,
  type DeflatedSharpe,
  type Moments,
} from './overfitting.ts';
import type { PboComputer } from './pbo-thread.ts';
import { gridCombinations, score, type Objective, type ParamGrid } from './walk-forward.ts';

export interface SearchOptions {
  grid: ParamGrid;
  /**
   * Random search: this many distinct sets drawn from the grid (seeded) instead of all of them;
   * the grid may then be larger than `maxCombinations`, the draw may not.
   */
  samples?: number;
  /** Seed of the random draw. @default 1 */
  seed?: number;
  /** @default 'sharpe' */
  objective?: Objective;
  /** Largest grid accepted. @default 1000 */
  maxCombinations?: number;
  /**
   * Trials made on the same data before this search (other grids, changed code, other symbols),
   * declared by whoever made them: the deflated Sharpe ratio deflates by them as well, their
   * Sharpe ratios taken to vary as the grid's do. A search that hides its earlier attempts looks
   * better than it is; declaring them is how the measure stays honest. @default 0
   */
  priorTrials?: number;
  /**
   * Where the probability of backtest overfitting is computed: a server passes `pboOffThread`,
   * since a 1,000-set search makes seconds of CSCV. @default on this thread
   */
  pbo?: PboComputer;
  onProgress?: (done: number, total: number) => void;
}

/** {@link pboFromBlocks} on this thread: small searches, tests. */
const pboOnThread: PboComputer = (trials, metric) => Promise.resolve(pboFromBlocks(trials, metric));

export interface SearchTrial {
  params: Record<string, number | boolean | string>;
  score: number | null;
  totalReturn: number;
  maxDrawdown: number;
  trades: number;
  /** Per-bar Sharpe ratio of the trial's equity (what the overfitting measures use). */
  barSharpe: number;
  /**
   * The trial's equity curve, [close time, equity], about {@link TRIAL_EQUITY_POINTS} points
   * (its first and last bar kept): what the results page draws per candidate. Absent in reports
   * stored before it existed.
   */
  equity?: Array<[number, number]>;
}

/**
 * Points of each trial's equity curve kept in a report: enough for a sparkline, while 1,000
 * trials × 64 points stay ~1 MB of JSON, and carrying them back from a sandbox process costs
 * nothing beside the run.
 */
export const TRIAL_EQUITY_POINTS = 64;

/** The overfitting part of every research report. */
export interface OverfittingReport {
  deflatedSharpe: DeflatedSharpe;
  /** Null with a single trial or too few bars (see `pboNote`). */
  pbo: { value: number; splits: number; blocks: number } | null;
  pboNote?: string;
  /** Trials declared as made before the search; `deflatedSharpe.trials` includes them. */
  priorTrials?: number;
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

/** Largest grid a random search draws from (index arithmetic stays exact far below 2^53). */
export const MAX_RANDOM_GRID = 1e12;

/** STRATEGY_CONFIG_INVALID unless 1 ≤ samples ≤ max. */
export function assertSampleSize(samples: number, max: number): number {
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= max)) {
    throw new TicklineError('STRATEGY_CONFIG_INVALID', `samples must be 1–${max}, got ${samples}`, {
      details: { samples, max },
    });
  }
  return samples;
}

/** A seeded PRNG (mulberry32): the same seed draws the same sets. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `samples` distinct sets of the grid, drawn with `seed`, without listing the grid: a set is its
 * index read in the mixed radix of the value counts. All of them when the grid is smaller.
 */
export function sampleGrid(
  grid: ParamGrid,
  samples: number,
  seed: number,
): Array<Record<string, number | boolean | string>> {
  const entries = Object.entries(grid);
  const total = entries.reduce((n, [, values]) => n * values.length, 1);
  if (total > MAX_RANDOM_GRID) {
    throw new TicklineError('STRATEGY_CONFIG_INVALID', `the grid has ${total} sets (random search draws from at most ${MAX_RANDOM_GRID})`, {
      details: { combinations: total, max: MAX_RANDOM_GRID },
    });
  }
  if (total <= samples) return gridCombinations(grid);
  const random = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < samples) picked.add(Math.floor(random() * total));
  return [...picked].map((index) => {
    const combo: Record<string, number | boolean | string> = {};
    let rest = index;
    for (let k = entries.length - 1; k >= 0; k--) {
      const [name, values] = entries[k]!;
      combo[name] = values[rest % values.length]!;
      rest = Math.floor(rest / values.length);
    }
    return combo;
  });
}

export async function parameterSearch(
  executor: BacktestExecutor,
  job: BacktestJob,
  options: SearchOptions,
): Promise<SearchReport> {
  const objective = options.objective ?? 'sharpe';
  const max = options.maxCombinations ?? 1_000;
  const prior = options.priorTrials ?? 0;
  const combos =
    options.samples === undefined
      ? (assertGridSize(options.grid, max), gridCombinations(options.grid))
      : sampleGrid(options.grid, assertSampleSize(options.samples, max), options.seed ?? 1);
  let done = 0;
  const bars = job.feeds[0]!.columns.closeTime.length;
  const blocks = blockCount(Math.max(0, bars - 1));
  const runs: Array<{ trial: SearchTrial; moments: Moments; blocks: BlockStats | null }> = [];
  const batch = trialBatchSize(combos.length, executor.concurrency);
  const batches = Array.from({ length: Math.ceil(combos.length / batch) }, (_, b) => b * batch);
  const searchJob: BacktestJob = { ...job, recordSignals: false };
  await forEachConcurrent(batches, executor.concurrency, async (from) => {
    const sets = combos.slice(from, from + batch);
    // Only block sums and moments are kept, made where the trial runs: a 1M-bar curve per trial
    // would not fit 100 trials, and carrying it back cost more than the run.
    const results = await runTrials(
      executor,
      searchJob,
      sets.map((params) => ({
        feeds: job.feeds,
        settings: job.settings,
        params: { ...job.params, ...params },
        equityPoints: TRIAL_EQUITY_POINTS,
        returnStats: { blocks },
        keepTrades: false,
      })),
    );
    results.forEach((r, k) => {
      runs[from + k] = scored(r, sets[k]!);
    });
  });
  function scored(
    r: EngineRunResult,
    params: Record<string, number | boolean | string>,
  ): { trial: SearchTrial; moments: Moments; blocks: BlockStats | null } {
    options.onProgress?.(++done, combos.length);
    // An executor running the engine on this thread (tests) returns the whole curve instead.
    const stats = r.returnStats ?? returnStats(r.equity.value, blocks);
    const m = stats.moments;
    const s = score(r.metrics, objective);
    const trial: SearchTrial = {
      params,
      score: Number.isFinite(s) ? s : null,
      totalReturn: r.metrics.totalReturn,
      maxDrawdown: r.metrics.drawdown.maxDrawdown,
      trades: r.metrics.trades,
      barSharpe: m.std > 0 ? m.mean / m.std : 0,
      // The inline executor (tests) brings back every bar: cut it the same way.
      equity: downsampleEquity(r.equity, TRIAL_EQUITY_POINTS),
    };
    return { trial, moments: m, blocks: stats.blocks };
  }
  const order = runs.map((_, i) => i).sort((a, b) => (runs[b]!.trial.score ?? -Infinity) - (runs[a]!.trial.score ?? -Infinity));
  const best = runs[order[0]!]!;
  const sharpes = moments(runs.map((r) => r.trial.barSharpe));
  const stats = runs.map((r) => r.blocks).filter((b): b is BlockStats => b !== null);
  const pbo = stats.length === runs.length ? await (options.pbo ?? pboOnThread)(stats) : null;
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
        trials: runs.length + prior,
        trialVariance: sharpes.std * sharpes.std,
      }),
      ...(prior > 0 ? { priorTrials: prior } : {}),
      pbo: pbo && { value: pbo.value, splits: pbo.splits, blocks: pbo.blocks },
      ...(pbo
        ? {}
        : { pboNote: runs.length < 2 ? 'one parameter set: nothing to overfit across' : 'too few bars for two blocks' }),
    },
  };
}
