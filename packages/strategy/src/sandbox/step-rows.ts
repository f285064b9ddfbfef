/**
 * @module The rows of a live step message (live-wire.ts `StepPayload`): STEP_ROW numbers per run,
 * each tenant's runs together so the process enters each tenant's isolate once. The steps a turn
 * asks of a process are held as columns ({@link StepColumns}), not an object per step: a wave asks
 * thousands, and each object lived until its answer came, long enough to be promoted and left to
 * the old generation's collector.
 */
import { type LiveCandle, unhealthyFeed } from '../live/live-engine.ts';
import type { StepAnswer } from '../live/live-session.ts';
import { STEP_ROW } from './isolate-live.ts';

/**
 * A tenant's runs as one group of a step message, shared by the tenant's sessions: grouping marks
 * it instead of looking the tenant up by id (see {@link stepRows}).
 */
export interface TenantGroup {
  /** The grouping that last counted it. */
  stamp: number;
  /** Its first place in that grouping's order, then its runs placed so far. */
  first: number;
  count: number;
}

/** What a step needs of a session. */
export interface StepSession {
  readonly group: TenantGroup;
  readonly handle: number;
}

/** Steps asked of one process in one turn: entry k is sessions[k] shown candles[k] on feed fs[k]. */
export interface StepColumns<S extends StepSession = StepSession> {
  sessions: S[];
  fs: number[];
  candles: LiveCandle[];
  answers: StepAnswer[];
}

export const stepColumns = <S extends StepSession>(): StepColumns<S> => ({
  sessions: [],
  fs: [],
  candles: [],
  answers: [],
});

/** Stamps of groupings: each {@link stepRows} call counts its groups afresh. */
let groupings = 0;

/**
 * The rows of a step message of `picked` entries of `q` (all, when undefined), and `order`: the
 * entry of each row. Entries of one tenant are together, tenants in the order they were first
 * asked, each tenant's entries in the order asked.
 */
export function stepRows(
  q: StepColumns,
  picked?: readonly number[],
): { rows: Float64Array; order: Int32Array } {
  const stamp = ++groupings;
  const n = picked?.length ?? q.sessions.length;
  const groups: TenantGroup[] = [];
  for (let j = 0; j < n; j++) {
    const g = q.sessions[picked === undefined ? j : picked[j]!]!.group;
    if (g.stamp !== stamp) {
      g.stamp = stamp;
      g.count = 0;
      groups.push(g);
    }
    g.count++;
  }
  for (let i = 0, first = 0; i < groups.length; i++) {
    const g = groups[i]!;
    g.first = first;
    first += g.count;
    g.count = 0;
  }
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const k = picked === undefined ? j : picked[j]!;
    const g = q.sessions[k]!.group;
    order[g.first + g.count++] = k;
  }
  const rows = new Float64Array(n * STEP_ROW);
  for (let i = 0, o = 0; i < n; i++, o += STEP_ROW) {
    const k = order[i]!;
    const c = q.candles[k]!;
    const f = q.fs[k]!;
    rows[o] = q.sessions[k]!.handle;
    // An unhealthy run's feed index is negative: the flag crosses in the same number.
    rows[o + 1] = c.dataHealthy === false ? unhealthyFeed(f) : f;
    rows[o + 2] = c.openTime;
    rows[o + 3] = c.closeTime;
    rows[o + 4] = c.open;
    rows[o + 5] = c.high;
    rows[o + 6] = c.low;
    rows[o + 7] = c.close;
    rows[o + 8] = c.volume;
  }
  return { rows, order };
}
