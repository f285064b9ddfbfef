/** @module Feed helpers for research runs: time slices (views, no copy) and shared-memory columns. */
import type { CandleColumns, Feed } from '../core/types.ts';

const COLUMNS = ['openTime', 'closeTime', 'open', 'high', 'low', 'close', 'volume'] as const;

/** First index whose value is > `t` in an ascending array. */
function upperBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bars of every feed that close in (fromTime, toTime], as views on the same memory. */
export function sliceFeeds(feeds: readonly Feed[], fromTime: number, toTime: number): Feed[] {
  return feeds.map((f) => {
    const ct = f.columns.closeTime;
    const a = upperBound(ct, fromTime);
    const b = upperBound(ct, toTime);
    const columns = {} as CandleColumns;
    for (const k of COLUMNS) columns[k] = f.columns[k].subarray(a, b);
    return { symbol: f.symbol, interval: f.interval, columns };
  });
}

/** A column in shared memory, so worker threads and isolates read it without copies. */
export function sharedColumn(values: ArrayLike<number>): Float64Array {
  const column = new Float64Array(new SharedArrayBuffer(values.length * Float64Array.BYTES_PER_ELEMENT));
  column.set(values);
  return column;
}

/** Copies the columns into SharedArrayBuffers once, so worker threads read them without copies. */
export function shareFeeds(feeds: readonly Feed[]): Feed[] {
  return feeds.map((f) => {
    const columns = {} as CandleColumns;
    for (const k of COLUMNS) {
      const src = f.columns[k];
      if (src.buffer instanceof SharedArrayBuffer) columns[k] = src;
      else columns[k] = sharedColumn(src);
    }
    return { symbol: f.symbol, interval: f.interval, columns };
  });
}
