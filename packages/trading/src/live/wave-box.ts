/**
 * @module A candle wave's time box. A wave waits for every run's answer, and the runner takes the
 * next wave only after it (the event log's consumer hands candles over one batch at a time): a
 * live process that stopped answering — its thread hung in a conversion no timeout sees — held the
 * next candle of every run on every process until its stall check killed it (26–45 s per attempt,
 * issue 45). Now a wave waits for its answers `boxMs` at most. A run whose answer is not acted on
 * by then is left behind: it decides no live candle, its working orders are held from live bars
 * (run-catch-up.ts `OrderHolds`), and once its answer comes and is acted on it catches up — the
 * candles that closed meanwhile, from the store and the recent live ones, each after its bar filled
 * the run's orders, as the live waves would have. The runs of the other processes go on at once.
 */
import type { LiveRun } from './live-run.ts';

/** How long a wave waits for its answers before it leaves the late runs behind. @default 2 s */
export const DEFAULT_WAVE_BOX_MS = 2_000;

/** What leaving runs behind needs of the runner. */
export interface WaveBoxContext {
  /** Holds the run's orders from live bars until the returned release is called (once). */
  hold(run: LiveRun): () => void;
  /** Whether the run is still the one the runner holds, running, and not being reopened. */
  current(run: LiveRun): boolean;
  /** Decides the candles after the run's last one (run-catch-up.ts `catchUp`); calls `release`. */
  catchUp(run: LiveRun, release: () => void): Promise<void>;
  /** A failure of a late run's answer or catch-up, after the wave returned. */
  failed(run: LiveRun | undefined, error: unknown): void;
}

/**
 * The runs of one wave whose answers are not acted on yet. `asked` when a run is asked, `acted`
 * once its answer was taken (its orders placed), `errored` when the answer was a failure (the run
 * pauses or reopens on its own: no catch-up).
 */
export class WaveBox {
  readonly #pending = new Set<LiveRun>();
  readonly #errored = new Set<LiveRun>();

  asked(run: LiveRun): void {
    this.#pending.add(run);
  }

  acted(run: LiveRun, error: unknown): void {
    this.#pending.delete(run);
    if (error !== undefined) this.#errored.add(run);
  }

  /**
   * Waits for `done` (every answer of the wave acted on) `boxMs` at most, then leaves the runs not
   * acted on behind (see the module comment). Rejects as `done` does when it settles within the box.
   */
  async wait(done: Promise<void>, boxMs: number, ctx: WaveBoxContext): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const boxed = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), boxMs)));
    try {
      if ((await Promise.race([done.then(() => 'done' as const), boxed])) === 'done') return;
    } finally {
      clearTimeout(timer);
    }
    const late = [...this.#pending].filter((run) => ctx.current(run));
    const releases = new Map(late.map((run) => [run, ctx.hold(run)] as const));
    for (const run of late) run.catchingUp = true;
    void done
      .catch((error: unknown) => ctx.failed(undefined, error))
      .then(() =>
        Promise.all(
          late.map(async (run) => {
            const release = releases.get(run)!;
            if (this.#errored.has(run) || !ctx.current(run)) {
              run.catchingUp = false;
              release();
              return;
            }
            await ctx.catchUp(run, release).catch((error: unknown) => {
              run.catchingUp = false;
              release();
              ctx.failed(run, error);
            });
          }),
        ),
      );
  }
}
