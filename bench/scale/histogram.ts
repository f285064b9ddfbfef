/**
 * @module A Prometheus histogram read from a `/metrics` page, and a quantile of the observations
 * made between two readings (cumulative bucket counts subtracted) — the way `histogram_quantile`
 * over a rate does, reporting the upper bound of the bucket the quantile falls in.
 */

/** Cumulative count per upper bound (`le`), summed over every series of the metric. */
export type Buckets = Map<number, number>;

/** The `<name>_bucket` series of `text`, summed over their other labels (zones). */
export function readBuckets(text: string, name: string): Buckets {
  const buckets: Buckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined || !Number.isFinite(value)) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
  }
  return buckets;
}

/** Adds `b` into `a` (several processes' readings as one). */
export function addBuckets(a: Buckets, b: Buckets): Buckets {
  const sum: Buckets = new Map(a);
  for (const [bound, count] of b) sum.set(bound, (sum.get(bound) ?? 0) + count);
  return sum;
}

/**
 * The `q`-quantile (0–1) of what was observed between `before` and `after`, as the upper bound
 * of its bucket; NaN when nothing was observed.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number {
  const bounds = [...after.keys()].sort((x, y) => x - y);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return NaN;
  for (const bound of bounds) {
    const count = (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
    if (count >= q * total) return bound;
  }
  return Infinity;
}

/** Observations between the readings. */
export const countBetween = (before: Buckets, after: Buckets): number =>
  (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
