/**
 * @module Overfitting measures for research reports.
 *
 * - **Deflated Sharpe ratio** (Bailey & López de Prado, "The Deflated Sharpe Ratio", 2014): the
 *   probability that the true Sharpe ratio of the chosen strategy is above the Sharpe ratio the
 *   best of N worthless trials would show by luck, corrected for the sample's length, skewness and
 *   kurtosis.
 * - **Probability of backtest overfitting** by combinatorially symmetric cross-validation (Bailey,
 *   Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", 2017): how often
 *   the trial that is best in-sample ranks in the lower half out-of-sample.
 *
 * All Sharpe ratios here are per observation (per bar), not annualised, as the formulas expect.
 */
import { normalCdf, normalQuantile } from './normal.ts';
import { blockCount, blockStats, moments, type BlockStats } from '../core/return-stats.ts';

export { blockCount, blockStats, moments, returnsOf, returnStats } from '../core/return-stats.ts';
export type { BlockStats, Moments, ReturnStats } from '../core/return-stats.ts';

/** Euler–Mascheroni constant (the expected-maximum formula uses it). */
const EULER_GAMMA = 0.5772156649015329;

/** Per-observation Sharpe ratio (mean over sample standard deviation); 0 without dispersion. */
export function sharpeOf(returns: ArrayLike<number>): number {
  const m = moments(returns);
  return m.std > 0 ? m.mean / m.std : 0;
}

/**
 * The Sharpe ratio the best of `trials` independent zero-skill trials is expected to show, when
 * their Sharpe ratios vary with `variance` (eq. 6 of the DSR paper). 0 for a single trial.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1 || !(variance > 0)) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/**
 * The probabilistic Sharpe ratio: P(true SR > `benchmark`) given an observed `sharpe` over
 * `n` observations with `skewness` and (non-excess) `kurtosis`.
 */
export function probabilisticSharpe(
  sharpe: number,
  benchmark: number,
  n: number,
  skewness: number,
  kurtosis: number,
): number {
  if (n < 2) return 0;
  const denom = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(denom > 0)) return sharpe > benchmark ? 1 : 0;
  return normalCdf(((sharpe - benchmark) * Math.sqrt(n - 1)) / Math.sqrt(denom));
}

export interface DeflatedSharpeInput {
  /** Observed per-observation Sharpe ratio of the chosen trial. */
  sharpe: number;
  /** Observations behind it. */
  n: number;
  skewness: number;
  /** Non-excess kurtosis. */
  kurtosis: number;
  /** Trials tried before choosing (every parameter set of the search). */
  trials: number;
  /** Variance of the trials' Sharpe ratios. */
  trialVariance: number;
}

export interface DeflatedSharpe {
  /** P(true SR > expected best-of-N luck), in [0, 1]; above 0.95 is the paper's usual bar. */
  value: number;
  /** The expected maximum Sharpe of `trials` zero-skill trials (the benchmark). */
  benchmark: number;
  sharpe: number;
  trials: number;
  n: number;
}

/** The deflated Sharpe ratio (eq. 9 of the DSR paper). */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const benchmark = expectedMaxSharpe(input.trials, input.trialVariance);
  return {
    value: probabilisticSharpe(input.sharpe, benchmark, input.n, input.skewness, input.kurtosis),
    benchmark,
    sharpe: input.sharpe,
    trials: input.trials,
    n: input.n,
  };
}

/** The deflated Sharpe ratio of the trial with the highest Sharpe among `trialReturns`. */
export function deflatedSharpeOfTrials(trialReturns: readonly ArrayLike<number>[]): DeflatedSharpe {
  const sharpes = trialReturns.map(sharpeOf);
  let best = 0;
  for (let i = 1; i < sharpes.length; i++) if (sharpes[i]! > sharpes[best]!) best = i;
  const chosen = moments(trialReturns[best] ?? []);
  const spread = moments(sharpes);
  return deflatedSharpe({
    sharpe: sharpes[best] ?? 0,
    n: chosen.n,
    skewness: chosen.skewness,
    kurtosis: chosen.kurtosis,
    trials: sharpes.length,
    trialVariance: spread.std * spread.std,
  });
}

export interface PboOptions {
  /** Blocks the observations are split into (even). @default 16, fewer when data is short */
  blocks?: number;
  /** How a trial's performance on a set of blocks is measured. @default 'sharpe' */
  metric?: 'sharpe' | 'mean';
}

export interface Pbo {
  /** Share of splits where the in-sample best ranks at or below the out-of-sample median. */
  value: number;
  /** Splits evaluated: C(blocks, blocks/2). */
  splits: number;
  blocks: number;
  /** The logit λ of each split (≤ 0: overfit). */
  logits: number[];
}

/** All k-subsets of 0..n-1, in lexicographic order. */
function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const go = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      go(i + 1);
      pick.pop();
    }
  };
  go(0);
  return out;
}

/**
 * Per-block sums of one trial's returns: all CSCV needs, so a search over long histories keeps
 * a few numbers per trial instead of every return.
 */
/**
 * The probability of backtest overfitting by CSCV. `trialReturns[j]` is trial j's return per
 * observation; all trials cover the same observations (the shortest length is used). Null when
 * there are fewer than two trials or fewer observations than two blocks.
 */
export function probabilityOfOverfitting(
  trialReturns: readonly ArrayLike<number>[],
  options: PboOptions = {},
): Pbo | null {
  if (trialReturns.length < 2) return null;
  const t = Math.min(...trialReturns.map((r) => r.length));
  const s = blockCount(t, options.blocks);
  if (s < 2) return null;
  return pboFromBlocks(
    trialReturns.map((r) => blockStats(r.length === t ? r : Array.prototype.slice.call(r, 0, t), s)),
    options.metric,
  );
}

/** CSCV over per-block sums (every trial split into the same blocks). */
export function pboFromBlocks(trials: readonly BlockStats[], metric: PboOptions['metric'] = 'sharpe'): Pbo | null {
  const splits = pboSplits(trials, metric);
  for (;;) {
    const next = splits.next();
    if (next.done) return next.value;
  }
}

/**
 * {@link pboFromBlocks} one split at a time: the generator yields after each of the C(s, s/2)
 * splits and returns the PBO, so a caller can spread the work over turns of its event loop
 * (pbo-thread.ts, when a thread is not to be had).
 */
export function* pboSplits(
  trials: readonly BlockStats[],
  metric: PboOptions['metric'] = 'sharpe',
): Generator<void, Pbo | null, void> {
  const nTrials = trials.length;
  const s = trials[0]?.count.length ?? 0;
  if (nTrials < 2 || s < 2 || s % 2 === 1) return null;
  const perform = (trial: BlockStats, blocks: readonly number[]): number => {
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (const b of blocks) {
      n += trial.count[b]!;
      sum += trial.sum[b]!;
      sumSq += trial.sumSq[b]!;
    }
    const mean = n > 0 ? sum / n : 0;
    if (metric === 'mean') return mean;
    const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
    return variance > 0 ? mean / Math.sqrt(variance) : 0;
  };
  const all = Array.from({ length: s }, (_, b) => b);
  const logits: number[] = [];
  for (const inSample of combinations(s, s / 2)) {
    const outSample = all.filter((b) => !inSample.includes(b));
    const isPerf = trials.map((trial) => perform(trial, inSample));
    let best = 0;
    for (let j = 1; j < nTrials; j++) if (isPerf[j]! > isPerf[best]!) best = j;
    const oosPerf = trials.map((trial) => perform(trial, outSample));
    // Rank 1 = worst out-of-sample; ties share the lower rank so a flat grid is not flattered.
    let rank = 1;
    for (let j = 0; j < nTrials; j++) if (j !== best && oosPerf[j]! < oosPerf[best]!) rank++;
    const omega = rank / (nTrials + 1);
    logits.push(Math.log(omega / (1 - omega)));
    yield;
  }
  const overfit = logits.filter((l) => l <= 0).length;
  return { value: overfit / logits.length, splits: logits.length, blocks: s, logits };
}
