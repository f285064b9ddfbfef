/** @module Output agreement: largest relative difference over the compared range. */

/** Relative where values are large, absolute below 1. */
export const TOLERANCE = 1e-9;

/**
 * Largest |ours − theirs| / max(1, |ours|) over indices ≥ `from` where ours is defined; Infinity if
 * the peer has no value where we do.
 */
export function maxRelativeError(ours: Float64Array[], theirs: Float64Array[], from: number): number {
  let worst = 0;
  for (let k = 0; k < ours.length; k++) {
    const a = ours[k]!;
    const b = theirs[k]!;
    for (let i = from; i < a.length; i++) {
      const x = a[i]!;
      if (Number.isNaN(x)) continue;
      const y = b[i]!;
      const e = Number.isFinite(y) ? Math.abs(x - y) / Math.max(1, Math.abs(x)) : Infinity;
      if (e > worst) worst = e;
    }
  }
  return worst;
}
