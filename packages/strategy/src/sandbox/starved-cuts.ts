/**
 * @module When a starved cut stops counting as the machine's: a live step cut by its wall backstop
 * with its thread's CPU under budget (live-wire.ts starvedCut) reopens the run, no strike, no
 * pause. A loop on a loaded machine looks the same — it gets a few percent of a core, so under its
 * budget in the backstop's wall — and, reopened, is cut again at its first step, holding its
 * process a backstop's wall each time, for as long as the load lasts. An honest run is not cut
 * twice in a row: its process must go a whole backstop (1 s at least) without the fraction of a
 * millisecond its step needs, and its reopened run's first step (the candle cut) decides. So the
 * second starved cut of a run with no step answered in between is a runaway: paused as one.
 */
import type { LiveIsolateError } from './isolate-live.ts';

/** Runs remembered (the oldest forgotten): a run cut once and then stopped is never answered again. */
const MAX_REMEMBERED_RUNS = 10_000;

/** The runs whose last step was a starved cut, by run id (stable across the run's sessions). */
export class StarvedCuts {
  readonly #runs = new Set<string>();

  /** A step of `runId` was answered: it is not cut twice in a row (the hot path: one size check). */
  answered(runId: string): void {
    if (this.#runs.size > 0) this.#runs.delete(runId);
  }

  /**
   * A failed step of `runId`: the error as the runner should see it. A starved cut is kept as it is
   * the first time, and becomes STRATEGY_CPU_LIMIT the second in a row.
   */
  judge(runId: string, error: LiveIsolateError): LiveIsolateError {
    if (error.details?.backstop !== 'starved') {
      this.answered(runId);
      return error;
    }
    if (!this.#runs.delete(runId)) {
      if (this.#runs.size >= MAX_REMEMBERED_RUNS) this.#runs.delete(this.#runs.values().next().value!);
      this.#runs.add(runId);
      return error;
    }
    const { wallMs, usedMs, budgetMs } = error.details as Record<string, number>;
    return {
      code: 'STRATEGY_CPU_LIMIT',
      message:
        `onCandle did not return, twice in a row: cut after ${wallMs} ms of wall time with ${usedMs} ms of CPU ` +
        `(limit ${budgetMs} ms per candle), and again when reopened. Look for a loop that never ends, or do less work per candle.`,
      details: { ...error.details, backstop: 'runaway', again: true, cpuMs: budgetMs },
    };
  }
}
