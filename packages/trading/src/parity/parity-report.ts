/**
 * @module The parity report: a live run's decisions beside those of its backtest replay, row by
 * row, with the first row where they part. Rows pair the n-th live decision with the n-th replayed
 * one (both ordered by candle, then by their position on it); past a divergence the rows may be
 * shifted, which is why the first one is the finding.
 */
import type { ParityDecision } from './parity-decisions.ts';

/** A field two decisions may differ in. */
export type ParityField = 'candle' | 'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'missing';

/** One row: the live decision and the replayed one at the same position. */
export interface ParityRow {
  index: number;
  live?: ParityDecision;
  replay?: ParityDecision;
  /** Empty when the two agree; `missing` when one side has no decision here. */
  differs: ParityField[];
}

/** What was replayed, for the report's header. */
export interface ParityWindow {
  /** Close time of the last warm-up candle: decisions start after it (the run's enable time). */
  fromMs: number;
  /** Close time of the last candle the run had decided. */
  toMs: number;
  /** Candles the replay acted on (all feeds), and the warm-up candles before them. */
  candles: number;
  warmupCandles: number;
  /** Candles closed while the run was paused: shown to the strategy, nothing decided on them. */
  pausedCandles: number;
}

export interface ParityReport {
  runId: string;
  strategyId: string;
  version: number;
  identical: boolean;
  /** Decisions the live run made, and the replay. */
  liveDecisions: number;
  replayDecisions: number;
  /** Index of the first row that differs. */
  firstDivergence?: number;
  /** "identical, N decisions", or where and how the two first part. */
  summary: string;
  window: ParityWindow;
  rows: ParityRow[];
}

/** The latest parity check of a live run (parity-monitor.ts), kept on its status. */
export interface ParityCheck {
  /** When it was checked (epoch ms). */
  checkedAt: number;
  state: 'identical' | 'diverged';
  /** Decisions the live run made in the window checked. */
  decisions: number;
  /** The first row that differs: its decision number (from 1), the first field, both sides. */
  firstDivergence?: {
    decision: number;
    field: ParityField;
    live?: ParityDecision;
    replay?: ParityDecision;
  };
}

/**
 * Relative tolerance of a quantity. A quantity ordered as such must match to rounding; a percent
 * order's was sized from the run's equity, which the replay rebuilds from the starting capital and
 * its own fills (the same fill model as the paper venue's) — equal but for float rounding.
 */
const QTY_TOLERANCE = 1e-9;
const PERCENT_QTY_TOLERANCE = 1e-6;

function close(a: number, b: number, tolerance: number): boolean {
  return a === b || Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

/** Fields in which `a` and `b` differ. */
export function differences(a: ParityDecision, b: ParityDecision): ParityField[] {
  const out: ParityField[] = [];
  if (a.candleCloseTime !== b.candleCloseTime) out.push('candle');
  if (a.symbol !== b.symbol) out.push('symbol');
  if (a.side !== b.side) out.push('side');
  if (a.type !== b.type) out.push('type');
  const percent = a.percent !== undefined || b.percent !== undefined;
  if (!close(a.quantity, b.quantity, percent ? PERCENT_QTY_TOLERANCE : QTY_TOLERANCE)) out.push('quantity');
  if (
    (a.price === undefined) !== (b.price === undefined) ||
    !close(a.price ?? 0, b.price ?? 0, QTY_TOLERANCE)
  )
    out.push('price');
  return out;
}

/** Pairs the decisions and names the first divergence. */
export function compareDecisions(
  head: { runId: string; strategyId: string; version: number; window: ParityWindow },
  live: readonly ParityDecision[],
  replay: readonly ParityDecision[],
): ParityReport {
  const rows: ParityRow[] = [];
  let first: number | undefined;
  for (let i = 0; i < Math.max(live.length, replay.length); i++) {
    const l = live[i];
    const r = replay[i];
    const differs: ParityField[] = l === undefined || r === undefined ? ['missing'] : differences(l, r);
    if (differs.length > 0 && first === undefined) first = i;
    rows.push({ index: i, ...(l ? { live: l } : {}), ...(r ? { replay: r } : {}), differs });
  }
  return {
    ...head,
    identical: first === undefined,
    liveDecisions: live.length,
    replayDecisions: replay.length,
    ...(first === undefined ? {} : { firstDivergence: first }),
    summary:
      (first === undefined ? `identical, ${live.length} decisions` : divergence(rows[first]!)) +
      (head.window.pausedCandles > 0 ? ` (${head.window.pausedCandles} candles skipped while paused)` : ''),
    rows,
  };
}

function divergence(row: ParityRow): string {
  const at = row.live ?? row.replay!;
  const when = new Date(at.candleCloseTime).toISOString();
  if (row.live === undefined)
    return `diverges at decision ${row.index + 1}: the replay decided on ${when}, the live run did not`;
  if (row.replay === undefined)
    return `diverges at decision ${row.index + 1}: the live run decided on ${when}, the replay did not`;
  return `diverges at decision ${row.index + 1} (candle ${when}): ${row.differs.join(', ')} differ`;
}
