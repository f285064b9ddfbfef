/**
 * @module The soak's arithmetic, kept pure so it is unit tested: reading the few metrics it samples
 * from a Prometheus text page, a histogram's p99 between two readings, and the least-squares slope
 * of a series over its second half (the first half is warm-up: caches, JIT, pools filling).
 */

/** One sample of a Prometheus text page: the metric name, its labels and its value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of `text` whose name is in `names` (all when empty). */
export function parseMetrics(text: string, names: readonly string[] = []): MetricSample[] {
  const wanted = new Set(names);
  const samples: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue;
    const match = LINE.exec(raw);
    if (!match) continue;
    const [, name, labelText, valueText] = match;
    if (wanted.size > 0 && !wanted.has(name!)) continue;
    const labels: Record<string, string> = {};
    for (const label of (labelText ?? '').matchAll(LABEL)) labels[label[1]!] = label[2]!;
    const value = valueText === '+Inf' ? Infinity : Number(valueText);
    if (!Number.isNaN(value)) samples.push({ name: name!, labels, value });
  }
  return samples;
}

/** Cumulative bucket counts by upper bound (seconds), summed over every label set. */
export function histogramBuckets(samples: readonly MetricSample[], name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket`) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
  }
  return buckets;
}

/**
 * The upper bound of the bucket holding the p99 of the observations between two readings of a
 * cumulative histogram, in the histogram's unit; undefined when nothing was observed between them.
 */
export function p99Between(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return undefined;
  return bounds.find((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0) >= 0.99 * total);
}

/** Least-squares slope of `points` (x, y); 0 for fewer than two distinct x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A series and how fast it may grow before the soak fails. */
export interface TrendRule {
  series: string;
  /** Unit of the values, for the report (`MiB`, `records`, `ms`). */
  unit: string;
  /** Largest allowed growth per minute over the second half. */
  maxPerMinute: number;
}

/** The verdict on one series. */
export interface TrendVerdict {
  series: string;
  unit: string;
  samples: number;
  first: number;
  last: number;
  /** Least-squares growth per minute over the second half. */
  perMinute: number;
  maxPerMinute: number;
  ok: boolean;
}

/**
 * Judges a series of (time in ms, value) against its rule, on the second half of the samples
 * (at least two). Undefined values (a sample that could not be taken) are left out.
 */
export function judgeTrend(
  rule: TrendRule,
  points: ReadonlyArray<readonly [number, number | undefined]>,
): TrendVerdict {
  const known = points.filter((p): p is readonly [number, number] => p[1] !== undefined);
  const half = known.slice(Math.floor(known.length / 2));
  const perMinute = slope(half.map(([t, v]) => [t / 60_000, v] as const));
  return {
    series: rule.series,
    unit: rule.unit,
    samples: known.length,
    first: known[0]?.[1] ?? NaN,
    last: known.at(-1)?.[1] ?? NaN,
    perMinute,
    maxPerMinute: rule.maxPerMinute,
    ok: perMinute <= rule.maxPerMinute,
  };
}
