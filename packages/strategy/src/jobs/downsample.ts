/** @module Equity curves for storage and charts: at most N points, keeping each bucket's low and high. */

/**
 * Reduces a curve to about `maxPoints` [time, value] pairs: per bucket its lowest and highest
 * point in time order (so drawdowns stay visible), plus the first and last points.
 */
export function downsampleCurve(
  time: Float64Array,
  value: Float64Array,
  maxPoints = 2_000,
): Array<[number, number]> {
  const n = time.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => [time[i]!, value[i]!]);
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const out: Array<[number, number]> = [[time[0]!, value[0]!]];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * (n - 2)) / buckets);
    const to = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (value[i]! < value[lo]!) lo = i;
      if (value[i]! > value[hi]!) hi = i;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) out.push([time[i]!, value[i]!]);
  }
  out.push([time[n - 1]!, value[n - 1]!]);
  return out;
}
