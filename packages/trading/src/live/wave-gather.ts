/**
 * @module A wave's orders reach the desk together, one turn per answer source. The desk batches
 * what is asked of it in one turn of the event loop (its journal's and risk view's statements go
 * per turn: kernel `perTurn`), so the orders of a wave placed in one turn cost a handful of
 * statements. The host thread's answers come in one turn; a sandbox process's come in parts, one
 * message every 32 ms of its work, and each part that carried orders was a desk turn of its own —
 * 19.4 statements a wave against the host path's 3.8 for the same orders (bench:live, issue 45).
 *
 * So the orders of the runs whose sessions answer through one source (a sandbox process:
 * `LiveSession.answerSource`) are held until every run of the wave asked of that source has
 * answered, then sent in one turn. Sources are held apart: one process's slow answer never holds
 * another's orders. Within a source an order is held `holdMs` at most after the first one held,
 * so a slow tenant's step holds the orders the process decided before it that long at most, far
 * inside the wave's box (wave-box.ts). Only the orders wait: an answer's bookkeeping (CPU, the
 * pause for it, logs) is done when it comes, a run stopped meanwhile places nothing (run-waves.ts),
 * each run's own orders go in the order it placed them, a portfolio's runs in the order they were
 * asked (wave-lanes.ts).
 */

/**
 * Longest an order waits for the rest of its source's answers: a quarter of the default wave box.
 * A wave of 5,000 runs (bench:live) had its last decision 100–115 ms after its candles at load
 * 9–10 and 270–340 ms at load 13–20; 150 ms cut a process's answers into several turns then.
 */
export const DEFAULT_GATHER_MS = 500;

interface Source {
  /** Runs asked of it whose answers have not come. */
  waiting: number;
  /** Sends held, in the order they were held. */
  held: Array<() => void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** See the module comment. One per wave. */
export class WaveGather {
  readonly #holdMs: number;
  readonly #sources = new Map<object, Source>();

  constructor(holdMs: number) {
    this.#holdMs = holdMs;
  }

  /** A run of `source` was asked (none: its answer's orders go at once). */
  asked(source: object | undefined): void {
    if (source === undefined) return;
    let s = this.#sources.get(source);
    if (s === undefined) this.#sources.set(source, (s = { waiting: 0, held: [], timer: undefined }));
    s.waiting++;
  }

  /** A run of `source` answered, after its answer was taken: the last one sends the held orders. */
  arrived(source: object | undefined): void {
    const s = source === undefined ? undefined : this.#sources.get(source);
    if (s !== undefined && --s.waiting === 0) this.#release(s);
  }

  /**
   * Starts `send` (an answer's orders to the desk) at once when nothing of its source is awaited,
   * else with the other held ones of its source; resolves as the promise `send` returns.
   */
  send(source: object | undefined, send: () => Promise<void>): Promise<void> {
    const s = source === undefined ? undefined : this.#sources.get(source);
    if (s === undefined || s.waiting === 0 || this.#holdMs <= 0) return send();
    return new Promise<void>((resolve, reject) => {
      if (s.held.push(() => void send().then(resolve, reject)) === 1)
        s.timer = setTimeout(() => this.#release(s), this.#holdMs);
    });
  }

  #release(s: Source): void {
    clearTimeout(s.timer);
    s.timer = undefined;
    for (const send of s.held.splice(0)) send();
  }
}
