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

/** Euler–Mascheroni constant (the expected-maximum formula uses it). */
const EULER_GAMMA = 0.5772156649015329;

export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  skewness: number;
  /** Non-excess kurtosis (3 for a normal distribution). */
  kurtosis: number;
}

/** Mean, standard deviation, skewness and (non-excess) kurtosis of `xs`. */
export function moments(xs: ArrayLike<number>): Moments {
  const n = xs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i]!;
  mean /= n || 1;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const pop = m2 / (n || 1);
  return {
    n,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    skewness: pop > 0 ? m3 / n / pop ** 1.5 : 0,
    kurtosis: pop > 0 ? m4 / n / (pop * pop) : 3,
  };
}

/** Per-observation Sharpe ratio (mean over sample standard deviation); 0 without dispersion. */
export function sharpeOf(returns: ArrayLike<number>): number {
  const m = moments(returns);
  return m.std > 0 ? m.mean / m.std : 0;
}

/** Simple returns between consecutive equity values. */
export function returnsOf(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    out[i - 1] = prev !== 0 ? equity[i]! / prev - 1 : 0;
  }
  return out;
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
 * The probability of backtest overfitting by CSCV. `trialReturns[j]` is trial j's return per
 * observation; all trials cover the same observations (the shortest length is used). Null when
 * there are fewer than two trials or fewer observations than two blocks.
 */
export function probabilityOfOverfitting(
  trialReturns: readonly ArrayLike<number>[],
  options: PboOptions = {},
): Pbo | null {
  const nTrials = trialReturns.length;
  if (nTrials < 2) return null;
  const t = Math.min(...trialReturns.map((r) => r.length));
  let s = Math.min(options.blocks ?? 16, t);
  if (s % 2 === 1) s -= 1;
  if (s < 2) return null;
  const metric = options.metric ?? 'sharpe';
  const bounds = Array.from({ length: s + 1 }, (_, b) => Math.floor((b * t) / s));
  const perform = (trial: number, blocks: readonly number[]): number => {
    const r = trialReturns[trial]!;
    const xs: number[] = [];
    for (const b of blocks) for (let i = bounds[b]!; i < bounds[b + 1]!; i++) xs.push(r[i]!);
    return metric === 'mean' ? moments(xs).mean : sharpeOf(xs);
  };
  const all = Array.from({ length: s }, (_, b) => b);
  const logits: number[] = [];
  for (const inSample of combinations(s, s / 2)) {
    const outSample = all.filter((b) => !inSample.includes(b));
    const isPerf = Array.from({ length: nTrials }, (_, j) => perform(j, inSample));
    let best = 0;
    for (let j = 1; j < nTrials; j++) if (isPerf[j]! > isPerf[best]!) best = j;
    const oosPerf = Array.from({ length: nTrials }, (_, j) => perform(j, outSample));
    // Rank 1 = worst out-of-sample; ties share the lower rank so a flat grid is not flattered.
    let rank = 1;
    for (let j = 0; j < nTrials; j++) if (j !== best && oosPerf[j]! < oosPerf[best]!) rank++;
    const omega = rank / (nTrials + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  const overfit = logits.filter((l) => l <= 0).length;
  return { value: overfit / logits.length, splits: logits.length, blocks: s, logits };
}
