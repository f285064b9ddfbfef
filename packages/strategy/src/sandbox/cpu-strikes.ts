/**
 * @module When a live run's CPU per candle gets it paused: a step over its budget is a strike, not
 * a verdict; a run pauses only when its own CPU stays over budget across a window of its steps.
 * Pure (no clock, no I/O): the live tenants (live-tenants.ts) feed it each measured step.
 *
 * A single overrun happens to honest runs — V8 compiling a function it had flushed, a collection
 * of the heap their logs and plots filled, a page the kernel had to find — so it is only counted.
 * A strategy that really does more than its tier allows overruns again and again: over the
 * budget on {@link CPU_STRIKES_TO_PAUSE} of its last {@link CPU_WINDOW_STEPS} steps, it pauses.
 * After a pause for CPU a run is on probation for a window: a single overrun pauses it at once.
 *
 * A window is a session's (the process's key for a run: its id and the session's number). A run
 * paused for CPU is closed, and its resume opens a new session — in another process, when its
 * process was replaced meanwhile — so the probation is not remembered here: the runner, which
 * knows the run's history, opens the resumed session on probation (`OpenRunPayload.cpuProbation`).
 */

/** Steps a run's overruns are counted over. */
export const CPU_WINDOW_STEPS = 10;
/** Overruns within the window that pause the run (one less is still only strikes). */
export const CPU_STRIKES_TO_PAUSE = 3;
/** Sessions whose windows are remembered (a bound: a closed session's is forgotten at once). */
const MAX_REMEMBERED_RUNS = 10_000;

/** One overrun: the CPU the step used and the budget it had, ms. */
export interface CpuStrike {
  usedMs: number;
  budgetMs: number;
}

/** What a step over budget comes to: only a strike, or the pause with the strikes that made it. */
export type CpuVerdict = { pause: false; strikes: number } | { pause: true; strikes: CpuStrike[] };

/** The steps of one run, newest last: each an overrun, or `undefined` for a step within budget. */
class CpuWindow {
  readonly steps: Array<CpuStrike | undefined> = [];
  /** Steps left on probation (after a pause for CPU): one overrun within them pauses. */
  probation = 0;

  record(step: CpuStrike | undefined): CpuVerdict | undefined {
    this.steps.push(step);
    if (this.steps.length > CPU_WINDOW_STEPS) this.steps.shift();
    const onProbation = this.probation > 0;
    if (onProbation) this.probation--;
    if (step === undefined) return undefined;
    const strikes = this.steps.filter((s): s is CpuStrike => s !== undefined);
    if (!onProbation && strikes.length < CPU_STRIKES_TO_PAUSE)
      return { pause: false, strikes: strikes.length };
    // Paused: its session closes (forgotten); the runner opens its resume on probation.
    this.steps.length = 0;
    this.probation = 0;
    return { pause: true, strikes };
  }
}

/**
 * The windows of a process's open runs by session key (`runId` in the process). A window lives as
 * long as its session: a resumed run's probation comes from the runner ({@link probation}).
 */
export class CpuStrikes {
  readonly #windows = new Map<string, CpuWindow>();

  /** Records a step of run `runId` (`over` when it went over its budget); a step within budget costs nothing. */
  record(runId: string, over: CpuStrike | undefined): CpuVerdict | undefined {
    let window = this.#windows.get(runId);
    if (window === undefined) {
      // Steps within budget of a run with no past are not worth remembering.
      if (over === undefined) return undefined;
      window = this.#open(runId);
    }
    const verdict = window.record(over);
    // Nothing to remember any more: forget it (the map holds only runs with a recent overrun).
    if (window.probation === 0 && window.steps.every((s) => s === undefined)) this.#windows.delete(runId);
    return verdict;
  }

  /** Run `runId` starts on probation: resumed after a pause for CPU, one overrun pauses it again. */
  probation(runId: string): void {
    (this.#windows.get(runId) ?? this.#open(runId)).probation = CPU_WINDOW_STEPS;
  }

  /** Forgets run `runId` (its session closed: a new session is a new key). */
  forget(runId: string): void {
    this.#windows.delete(runId);
  }

  #open(runId: string): CpuWindow {
    const window = new CpuWindow();
    if (this.#windows.size >= MAX_REMEMBERED_RUNS)
      this.#windows.delete(this.#windows.keys().next().value as string);
    this.#windows.set(runId, window);
    return window;
  }

  /** Whether no run has anything on record (a step's fastest path). */
  get empty(): boolean {
    return this.#windows.size === 0;
  }

  /** Whether `runId` has anything on record (tests, and a step's fast path). */
  has(runId: string): boolean {
    return this.#windows.has(runId);
  }
}

/** The pause reason a user reads: the figures, the budget, the rule and what to change. */
export function cpuPauseReason(strikes: readonly CpuStrike[]): string {
  const budgetMs = strikes[strikes.length - 1]?.budgetMs ?? 0;
  const used = strikes.map((s) => s.usedMs.toFixed(1)).join(', ');
  const rule =
    strikes.length >= CPU_STRIKES_TO_PAUSE
      ? `on ${strikes.length} of its last ${CPU_WINDOW_STEPS} candles`
      : `again right after it was resumed`;
  return (
    `onCandle used more than its ${budgetMs} ms of CPU per candle ${rule} (${used} ms). ` +
    'Do less work per candle (keep indicators incremental, log and plot less) or move to a tier with a larger budget.'
  );
}
