/**
 * @module The rows of a live step message (live-wire.ts `StepPayload`): {@link STEP_REF} numbers per
 * run (its handle, its feed, the index of its candle), each tenant's runs together so the process
 * enters each tenant's isolate once, and each distinct candle once ({@link STEP_CANDLE} numbers):
 * a wave shows thousands of runs a handful of candles (bench:live: 5,000 runs, 20 candles), and a
 * candle per row was most of the message. The process writes each slice's rows, candle included,
 * into its tenant's own buffer ({@link expandRows}): what crosses into an isolate stays a copy of
 * its own. The steps a turn
 * asks of a process are held as columns ({@link StepColumns}), not an object per step: a wave asks
 * thousands, and each object lived until its answer came, long enough to be promoted and left to
 * the old generation's collector.
 */
import { type LiveCandle, unhealthyFeed } from '../live/live-engine.ts';
import type { StepAnswer } from '../live/live-session.ts';
import { STEP_ROW } from './isolate-live.ts';

/** Numbers per entry of a step message: the run's handle, its feed (negative: unhealthy), its candle. */
export const STEP_REF = 3;
/** Numbers per candle of a step message: openTime, closeTime, open, high, low, close, volume. */
export const STEP_CANDLE = 7;

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

/** Candles of one step message, each once (see {@link stepRows}). */
class CandleTable {
  readonly #index = new Map<LiveCandle, number>();
  readonly #list: LiveCandle[] = [];
  /** The last candle looked up and its index: a feed's runs mostly come together. */
  #last: LiveCandle | undefined;
  #lastIndex = -1;

  /** Index of `c` in the table, added when new. Keyed by the candle object: a wave's runs on a
   * feed are shown the same one (a run with an unhealthy feed a flagged copy of its own). */
  indexOf(c: LiveCandle): number {
    if (c === this.#last) return this.#lastIndex;
    let k = this.#index.get(c);
    if (k === undefined) {
      k = this.#list.length;
      this.#index.set(c, k);
      this.#list.push(c);
    }
    this.#last = c;
    this.#lastIndex = k;
    return k;
  }

  numbers(): Float64Array {
    const out = new Float64Array(this.#list.length * STEP_CANDLE);
    for (let k = 0, o = 0; k < this.#list.length; k++, o += STEP_CANDLE) {
      const c = this.#list[k]!;
      out[o] = c.openTime;
      out[o + 1] = c.closeTime;
      out[o + 2] = c.open;
      out[o + 3] = c.high;
      out[o + 4] = c.low;
      out[o + 5] = c.close;
      out[o + 6] = c.volume;
    }
    return out;
  }
}

/**
 * The rows of a step message of `picked` entries of `q` (all, when undefined), and `order`: the
 * entry of each row. Entries of one tenant are together, tenants in the order they were first
 * asked, each tenant's entries in the order asked.
 */
export function stepRows(
  q: StepColumns,
  picked?: readonly number[],
): { rows: Float64Array; candles: Float64Array; order: Int32Array } {
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
  const rows = new Float64Array(n * STEP_REF);
  const table = new CandleTable();
  for (let i = 0, o = 0; i < n; i++, o += STEP_REF) {
    const k = order[i]!;
    const c = q.candles[k]!;
    const f = q.fs[k]!;
    rows[o] = q.sessions[k]!.handle;
    // An unhealthy run's feed index is negative: the flag crosses in the same number.
    rows[o + 1] = c.dataHealthy === false ? unhealthyFeed(f) : f;
    rows[o + 2] = table.indexOf(c);
  }
  return { rows, candles: table.numbers(), order };
}

/**
 * Writes entries `from` to `to` (exclusive) of a step message into `into` as its isolate reads
 * them: {@link STEP_ROW} numbers each, the handle, the feed, then the entry's candle copied out of
 * the message's candles.
 */
export function expandRows(
  rows: Float64Array,
  candles: Float64Array,
  from: number,
  to: number,
  into: Float64Array,
): void {
  for (let i = from, o = 0; i < to; i++, o += STEP_ROW) {
    const r = i * STEP_REF;
    into[o] = rows[r]!;
    into[o + 1] = rows[r + 1]!;
    const c = rows[r + 2]! * STEP_CANDLE;
    for (let j = 0; j < STEP_CANDLE; j++) into[o + 2 + j] = candles[c + j]!;
  }
}
