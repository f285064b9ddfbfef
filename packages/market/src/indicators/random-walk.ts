/** @module Deterministic OHLCV random walk for tests and benchmarks (no I/O, no wall time). */

/** Parallel OHLCV arrays. */
export interface OhlcvSeries {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Mulberry32: a small, fast 32-bit PRNG; same seed, same series. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A geometric random walk of `length` bars starting at `start`, with high/low around open/close.
 * @param volatility per-bar relative step. @default 0.002
 */
export function randomWalkOhlcv(length: number, seed = 1, start = 100, volatility = 0.002): OhlcvSeries {
  const rnd = mulberry32(seed);
  const s: OhlcvSeries = {
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  let price = start;
  for (let i = 0; i < length; i++) {
    const open = price;
    price *= 1 + volatility * (rnd() * 2 - 1);
    const top = Math.max(open, price);
    const bottom = Math.min(open, price);
    s.open[i] = open;
    s.close[i] = price;
    s.high[i] = top * (1 + volatility * 0.5 * rnd());
    s.low[i] = bottom * (1 - volatility * 0.5 * rnd());
    s.volume[i] = Math.floor(1 + rnd() * 1000);
  }
  return s;
}
