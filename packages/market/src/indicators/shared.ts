/** @module Small helpers shared by the indicator implementations. */
import { TicklineError } from '@tickline/kernel';

/** Error code for a bad indicator parameter or mismatched inputs (fix the caller's arguments). */
export const INDICATOR_PARAM_INVALID = 'MARKET_INDICATOR_PARAM_INVALID';

/**
 * A `Float64Array` of `length` whose first `warmup` entries are `NaN` (the warm-up marker), for an
 * output whose every later entry the caller writes. Filling only the warm-up saves a pass over the
 * output, and the memory is not zeroed first: a fresh zeroed megabyte-sized array costs page faults
 * on first write (about as much as a whole SMA or EMA pass on a virtual machine); memory malloc
 * hands back from earlier outputs does not.
 */
export function warmupArray(length: number, warmup: number): Float64Array {
  const out =
    NODE_BUFFER === undefined
      ? new Float64Array(length)
      : (() => {
          const bytes = NODE_BUFFER.allocUnsafeSlow(length * Float64Array.BYTES_PER_ELEMENT);
          return new Float64Array(bytes.buffer, bytes.byteOffset, length);
        })();
  return out.fill(NaN, 0, Math.min(warmup, length));
}

/**
 * Node's `Buffer` where there is one. The indicators also run where there is none — inside a
 * strategy's sandbox isolate and in the browser — and there a zeroed array does the same job.
 */
const NODE_BUFFER = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer;

/** Throws unless `period` is a positive integer. */
export function checkPeriod(period: number, name = 'period'): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new TicklineError(INDICATOR_PARAM_INVALID, `${name} must be a positive integer, got ${period}`);
  }
}

/** Throws unless the parallel input arrays have the same length. */
export function checkSameLength(...arrays: ArrayLike<number>[]): void {
  const n = arrays[0]!.length;
  for (const a of arrays) {
    if (a.length !== n)
      throw new TicklineError(INDICATOR_PARAM_INVALID, `input arrays differ in length (${a.length} vs ${n})`);
  }
}
