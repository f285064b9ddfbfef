/** @module Timing: warm up, repeat, take the median ns per input value. */

const gc = (globalThis as { gc?: () => void }).gc;

/** Keeps results observable so the JIT cannot drop the work. */
export let sink = 0;

const pause = new Int32Array(new SharedArrayBuffer(4));
/**
 * A full GC, then 20 ms asleep: the collection hands sweeping and unmapping of what it freed to
 * background threads, which on two cores ran during the next timed pass (an allocation-free EMA
 * loop read 2.2 ns per value without a GC before it, 3.7–11 ns right after one, ~4.2 ns with the
 * pause). The pass still starts with cold caches, as a batch over fresh data would.
 */
function settle(): void {
  if (!gc) return;
  gc();
  Atomics.wait(pause, 0, 0, 20);
}

/** Median ns per value of `reps` runs of `fn` over `n` values, after `warmups` untimed runs. */
export function nsPerValue(fn: () => number, n: number, reps: number, warmups = 1): number {
  for (let i = 0; i < warmups; i++) sink += fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    settle();
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
