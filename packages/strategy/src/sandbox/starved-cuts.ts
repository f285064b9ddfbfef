/**
 * @module When a starved cut stops counting as the machine's: a live step cut by its wall backstop
 * with its thread's CPU under budget (live-wire.ts starvedCut) reopens the run, no strike, no
 * pause. A loop on a loaded machine looks the same — it gets a few percent of a core, so under its
 * budget in the backstop's wall — and, reopened, is cut again, holding its process a backstop's
 * wall each time, for as long as the load lasts. So a run reopened after a starved cut gets a wall
 * backstop twice as long for its next step, doubling with each starved cut in a row: an honest step
 * finishes in the longer wall, and a loop reaches its CPU budget in it and is paused by its own CPU,
 * as on a quiet machine. Only a run cut starved {@link STARVED_CUTS_BEFORE_PAUSE} times in a row
 * (its thread got under its budget in 1 + 2 + 4 + 8 backstops: a process frozen rather than busy)
 * is paused as a runaway; the process's stall check stays the last resort. (Pausing at the second
 * starved cut paused honest runs beside stress-ng: a 300 ms step took over its 2 s wall twice.)
 */
import type { LiveIsolateError } from './isolate-live.ts';

/** Runs remembered (the oldest forgotten): a run cut once and then stopped is never answered again. */
const MAX_REMEMBERED_RUNS = 10_000;

/** Starved cuts in a row that pause a run: its last try had a backstop 2^(n-1) times as long. */
export const STARVED_CUTS_BEFORE_PAUSE = 4;

/** The starved cuts in a row of runs whose last step was one, by run id (stable across sessions). */
export class StarvedCuts {
  readonly #runs = new Map<string, number>();

  /** A step of `runId` was answered: its cuts are no longer in a row (the hot path: one size check). */
  answered(runId: string): void {
    if (this.#runs.size > 0) this.#runs.delete(runId);
  }

  /** How many times its usual wall backstop `runId`'s next step gets: 2^(starved cuts in a row). */
  wallScale(runId: string): number {
    return 2 ** (this.#runs.get(runId) ?? 0);
  }

  /**
   * A failed step of `runId`: the error as the runner should see it. A starved cut is kept as it is
   * (the run reopens with a longer backstop), and becomes STRATEGY_CPU_LIMIT the
   * {@link STARVED_CUTS_BEFORE_PAUSE}th in a row.
   */
  judge(runId: string, error: LiveIsolateError): LiveIsolateError {
    if (error.details?.backstop !== 'starved') {
      this.answered(runId);
      return error;
    }
    const cuts = (this.#runs.get(runId) ?? 0) + 1;
    this.#runs.delete(runId);
    if (cuts < STARVED_CUTS_BEFORE_PAUSE) {
      if (this.#runs.size >= MAX_REMEMBERED_RUNS) this.#runs.delete(this.#runs.keys().next().value!);
      this.#runs.set(runId, cuts);
      return error;
    }
    const { wallMs, usedMs, budgetMs } = error.details as Record<string, number>;
    return {
      code: 'STRATEGY_CPU_LIMIT',
      message:
        `onCandle did not return, ${cuts} times in a row: last cut after ${wallMs} ms of wall time with ${usedMs} ms of CPU ` +
        `(limit ${budgetMs} ms per candle), each try given twice the time of the one before. Look for a loop that never ends, or do less work per candle.`,
      details: { ...error.details, backstop: 'runaway', again: true, cuts, cpuMs: budgetMs },
    };
  }
}
