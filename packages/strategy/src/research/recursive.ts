/**
 * @module The recursive check (the warm-up bias freqtrade's `recursive-analysis` hunts): run the
 * strategy on the same data ending at the same bar, but with less and less history before it, and
 * compare the last value of every `ctx.plot` series. A recursive indicator (an EMA, an RSI, ATR
 * with Wilder smoothing) depends on every bar it ever saw; with too short a warm-up its value
 * differs from the one computed over all the history, and a live run that warms up on fewer bars
 * than its backtest decides on different numbers. The report says, per series, which histories
 * gave a different value and by how much — so the user sees the warm-up the strategy needs.
 *
 * Plotted values, not orders, are compared: orders also depend on the position a run carries,
 * which differs whenever runs start at different bars, whatever the indicators. A strategy that
 * plots nothing has nothing to compare (`series: 0`), and the report says so.
 */
import type { PlotSeries } from '../core/types.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { mapConcurrent } from './executor.ts';
import { sliceFeeds } from './feeds.ts';

export interface RecursiveOptions {
  /** Bars of history before the end, each a run. Those not shorter than the data are left out. */
  histories?: readonly number[];
  /** Relative difference that counts as changed. @default 1e-9 */
  tolerance?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RecursiveDifference {
  /** The plot series. */
  series: string;
  /** Bars the run had (the first feed's). */
  bars: number;
  /** The series' last value in that run (null: the run plotted no value for it at the end). */
  value: number | null;
  /** The same series' last value with all the history. */
  full: number;
  /** |value − full| / max(|full|, 1e-12); null when the run has no value. */
  relative: number | null;
}

export interface RecursiveReport {
  ok: boolean;
  /** Bars of history the runs had, shortest first. */
  histories: number[];
  /** Bars of the full run (the first feed's). */
  bars: number;
  /** Series compared: those with a value at the full run's last bar. */
  series: number;
  /**
   * Per series, the shortest history from which it and every longer one matched the full run: the
   * warm-up the series needs (null: even the longest history differed — more than that).
   */
  settledFrom: Record<string, number | null>;
  differences: RecursiveDifference[];
}

/** Default histories: doubling from 50 bars, as freqtrade's startup-candle steps do. */
export const DEFAULT_HISTORIES: readonly number[] = [50, 100, 200, 400, 800, 1_600, 3_200];

/** The value of each series at the run's last plotted time, when that is `at`. */
function lastValues(plots: readonly PlotSeries[], at: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of plots) {
    const i = p.time.length - 1;
    if (i >= 0 && p.time[i] === at) out.set(p.name, p.value[i]!);
  }
  return out;
}

/** Runs the check. */
export async function checkRecursive(
  executor: BacktestExecutor,
  job: BacktestJob,
  options: RecursiveOptions = {},
): Promise<RecursiveReport> {
  const tolerance = options.tolerance ?? 1e-9;
  const close = job.feeds[0]!.columns.closeTime;
  const bars = close.length;
  const histories = [...new Set(options.histories ?? DEFAULT_HISTORIES)]
    .filter((h) => Number.isInteger(h) && h > 0 && h < bars)
    .sort((a, b) => a - b);
  const total = histories.length + 1;
  let done = 0;
  const tick = (): void => options.onProgress?.(++done, total);
  const end = bars > 0 ? close[bars - 1]! : 0;
  const full = await executor.run(job);
  tick();
  const reference = lastValues(full.plots, end);
  const byHistory = new Map<number, Map<string, number>>();
  await mapConcurrent(histories, executor.concurrency, async (history) => {
    // Bars closing after the one `history` bars before the end: the same last bar, less before it.
    const from = close[bars - history - 1]!;
    const run = await executor.run({ ...job, feeds: sliceFeeds(job.feeds, from, Infinity) });
    tick();
    byHistory.set(history, lastValues(run.plots, end));
  });
  const differences: RecursiveDifference[] = [];
  const settledFrom: Record<string, number | null> = {};
  for (const [series, value] of reference) {
    // The shortest history from which this one and every longer one matched the full run.
    let settled: number | null = null;
    let unbroken = true;
    for (const history of [...histories].reverse()) {
      const got = byHistory.get(history)!.get(series);
      const relative = got === undefined ? null : Math.abs(got - value) / Math.max(Math.abs(value), 1e-12);
      if (relative !== null && relative <= tolerance) {
        if (unbroken) settled = history;
        continue;
      }
      unbroken = false;
      differences.push({ series, bars: history, value: got ?? null, full: value, relative });
    }
    settledFrom[series] = settled;
  }
  differences.sort((a, b) => a.series.localeCompare(b.series) || a.bars - b.bars);
  return { ok: differences.length === 0, histories, bars, series: reference.size, settledFrom, differences };
}
