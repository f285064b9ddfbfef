/**
 * @module Statistics of a run's per-bar returns that research needs (overfitting.ts): moments and
 * block sums. Pure, so the isolate computes them over a run's full equity curve where the run
 * happens, and only these numbers cross back instead of a million-step curve.
 */

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

/**
 * Simple returns between consecutive equity values; into the start of `into` when it is long
 * enough (a batch of research trials reuses one column: isolate-entry.ts).
 */
export function returnsOf(equity: ArrayLike<number>, into?: Float64Array): Float64Array {
  const length = Math.max(0, equity.length - 1);
  const out = into !== undefined && into.length >= length ? into.subarray(0, length) : new Float64Array(length);
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    out[i - 1] = prev !== 0 ? equity[i]! / prev - 1 : 0;
  }
  return out;
}

export interface BlockStats {
  count: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
}

/** The even block count CSCV uses for `observations` (at most `wanted`, 0 when too few). */
export function blockCount(observations: number, wanted = 16): number {
  const s = Math.min(wanted, observations);
  return s - (s % 2);
}

/** Splits `returns` into `blocks` contiguous blocks of (nearly) equal length and sums each. */
export function blockStats(returns: ArrayLike<number>, blocks: number): BlockStats {
  const t = returns.length;
  const out: BlockStats = {
    count: new Float64Array(blocks),
    sum: new Float64Array(blocks),
    sumSq: new Float64Array(blocks),
  };
  for (let b = 0; b < blocks; b++) {
    const to = Math.floor(((b + 1) * t) / blocks);
    for (let i = Math.floor((b * t) / blocks); i < to; i++) {
      const x = returns[i]!;
      out.count[b]! += 1;
      out.sum[b]! += x;
      out.sumSq[b]! += x * x;
    }
  }
  return out;
}

/** What research keeps of a run's returns: their moments, and block sums when asked. */
export interface ReturnStats {
  moments: Moments;
  blocks: BlockStats | null;
}

/** {@link ReturnStats} of the simple returns of `equity`, in `blocks` blocks (0: none); `into` as {@link returnsOf}'s. */
export function returnStats(equity: ArrayLike<number>, blocks: number, into?: Float64Array): ReturnStats {
  const returns = returnsOf(equity, into);
  return { moments: moments(returns), blocks: blocks >= 2 ? blockStats(returns, blocks) : null };
}
