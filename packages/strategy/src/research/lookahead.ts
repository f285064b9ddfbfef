/**
 * @module The look-ahead check (the bias freqtrade's `lookahead-analysis` hunts): run once on all
 * the data, then again on the data cut at many points; every order the strategy placed up to a
 * cut must be placed identically when nothing after the cut exists. A difference means the
 * strategy's past decisions depended on later data.
 */
import type { Signal } from '../core/engine.ts';
import type { BacktestExecutor, BacktestJob } from './executor.ts';
import { mapConcurrent } from './executor.ts';
import { sliceFeeds } from './feeds.ts';

export interface LookaheadOptions {
  /** Cut points, spread evenly over the first feed's bars. @default 20 */
  points?: number;
  /** Differences reported at most. @default 100 */
  maxDifferences?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LookaheadDifference {
  /** The cut: data after this close time was hidden. */
  cutoff: number;
  /** Time of the first differing order. */
  time: number;
  /** The order in the full run (null: only the cut run placed it). */
  full: Signal | null;
  /** The order in the cut run (null: only the full run placed it). */
  truncated: Signal | null;
}

export interface LookaheadReport {
  ok: boolean;
  cutoffs: number[];
  /** Orders placed in the full run. */
  signals: number;
  differences: LookaheadDifference[];
}

function sameSignal(a: Signal, b: Signal): boolean {
  return (
    a.time === b.time &&
    a.symbol === b.symbol &&
    a.side === b.side &&
    a.type === b.type &&
    Object.is(a.qty, b.qty) &&
    Object.is(a.percent, b.percent) &&
    Object.is(a.price, b.price)
  );
}

/** Runs the check; the job's `recordSignals` is forced on. */
export async function checkLookahead(
  executor: BacktestExecutor,
  job: BacktestJob,
  options: LookaheadOptions = {},
): Promise<LookaheadReport> {
  const points = options.points ?? 20;
  const maxDifferences = options.maxDifferences ?? 100;
  const close = job.feeds[0]!.columns.closeTime;
  const cutoffs: number[] = [];
  for (let k = 1; k <= points; k++) {
    const i = Math.floor((k * (close.length - 1)) / (points + 1));
    const t = close[i]!;
    if (cutoffs.at(-1) !== t) cutoffs.push(t);
  }
  const total = cutoffs.length + 1;
  let done = 0;
  const tick = (): void => options.onProgress?.(++done, total);
  const full = await executor.run({ ...job, recordSignals: true });
  tick();
  const differences: LookaheadDifference[] = [];
  await mapConcurrent(cutoffs, executor.concurrency, async (cutoff) => {
    const cut = await executor.run({
      ...job,
      feeds: sliceFeeds(job.feeds, -Infinity, cutoff),
      recordSignals: true,
    });
    tick();
    const before = full.signals.filter((s) => s.time <= cutoff);
    const after = cut.signals;
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      const a = before[i];
      const b = after[i];
      if (a !== undefined && b !== undefined && sameSignal(a, b)) continue;
      if (differences.length < maxDifferences) {
        differences.push({ cutoff, time: (a ?? b)!.time, full: a ?? null, truncated: b ?? null });
      }
      break;
    }
  });
  differences.sort((x, y) => x.cutoff - y.cutoff);
  return { ok: differences.length === 0, cutoffs, signals: full.signals.length, differences };
}
