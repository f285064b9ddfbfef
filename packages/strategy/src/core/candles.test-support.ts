/** @module Test helpers: candle feeds from rows and deterministic random walks. */
import type { Feed } from './types.ts';

/** The seven columns of `n` bars, zeroed; `shared`: in shared memory (see {@link randomWalkFeed}). */
export function emptyColumns(n: number, shared = false): Feed['columns'] {
  const col = (): Float64Array =>
    shared
      ? new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT))
      : new Float64Array(n);
  return {
    openTime: col(),
    closeTime: col(),
    open: col(),
    high: col(),
    low: col(),
    close: col(),
    volume: col(),
  };
}

/** [open, high, low, close] rows (volume 1) of `intervalMs` bars from `startMs`. */
export function feedFromRows(
  symbol: string,
  interval: string,
  intervalMs: number,
  startMs: number,
  rows: readonly (readonly [number, number, number, number])[],
): Feed {
  const c = emptyColumns(rows.length);
  rows.forEach(([o, h, l, cl], i) => {
    c.openTime[i] = startMs + i * intervalMs;
    c.closeTime[i] = startMs + (i + 1) * intervalMs;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
    c.volume[i] = 1;
  });
  return { symbol, interval, columns: c };
}

/**
 * A seeded random walk of `n` bars (mulberry32), prices around `start`. `shared`: its columns in
 * shared memory from the start, as `shareFeeds` would copy them (a 1M-bar feed is 56 MB: a
 * benchmark that measures memory does not keep a second copy waiting for a collection).
 */
export function randomWalkFeed(
  symbol: string,
  interval: string,
  intervalMs: number,
  n: number,
  seed = 42,
  start = 100,
  startMs = Date.UTC(2024, 0, 1),
  shared = false,
): Feed {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const c = emptyColumns(n, shared);
  let price = start;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(1, open * (1 + (rnd() - 0.5) * 0.004));
    const high = Math.max(open, close) * (1 + rnd() * 0.001);
    const low = Math.min(open, close) * (1 - rnd() * 0.001);
    c.openTime[i] = startMs + i * intervalMs;
    c.closeTime[i] = startMs + (i + 1) * intervalMs;
    c.open[i] = open;
    c.high[i] = high;
    c.low[i] = low;
    c.close[i] = close;
    c.volume[i] = 1 + rnd();
    price = close;
  }
  return { symbol, interval, columns: c };
}
