/** @module Timing: warm up, repeat, take the median ns per input value. */

const gc = (globalThis as { gc?: () => void }).gc;

/** Keeps results observable so the JIT cannot drop the work. */
export let sink = 0;

/** Median ns per value of `reps` runs of `fn` over `n` values, after `warmups` untimed runs. */
export function nsPerValue(fn: () => number, n: number, reps: number, warmups = 1): number {
  for (let i = 0; i < warmups; i++) sink += fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    gc?.();
    const t0 = process.hrtime.bigint();
    sink += fn();
    times.push(Number(process.hrtime.bigint() - t0) / n);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Sum of finite entries, as a cheap observable result of a batch call. */
export function checksum(a: ArrayLike<number>): number {
  return a.length > 0 ? (a[a.length - 1] ?? 0) + (a[a.length >> 1] ?? 0) : 0;
}
