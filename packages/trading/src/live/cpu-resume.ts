/**
 * @module A run paused for CPU (`STRATEGY_CPU_LIMIT`) resumes by itself after a back-off: its
 * strikes filled a window (the sandbox's cpu-strikes.ts), which a burst of work can do once to a
 * run that is fine the rest of the day. Each pause that follows a resume within
 * {@link CPU_FORGIVE_AFTER_MS} waits longer ({@link CPU_RESUME_BACKOFF_MS}); after the last the
 * run stays paused until its owner resumes it. A resumed run is on probation in the sandbox: one
 * overrun pauses it again at once. Nothing resumes under an engaged kill switch, nor a run its
 * owner paused, stopped or resumed meanwhile.
 */
import type { Clock } from '@tickline/kernel';

/** Waits before the n-th automatic resume in a row; after the last the run stays paused. */
export const CPU_RESUME_BACKOFF_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];
/** A run that ran this long after its last pause for CPU starts again at the first wait. */
export const CPU_FORGIVE_AFTER_MS = 60 * 60_000;

/** Starts `fn` after `ms`; returns how to cancel it. @default an unref'd setTimeout */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** How an automatic resume ended: resumed, kept paused (no longer wanted), or failed. */
export type AutoResumeOutcome = 'resumed' | 'kept paused' | { error: unknown };

export interface CpuResumesOptions {
  clock: Clock;
  /** Resumes run `id` (the runner's `resume`, which the owner's resume also takes). */
  resume: (id: string) => Promise<unknown>;
  /** Whether run `id` may resume now: still paused for CPU, its kill switch released. */
  wanted: (id: string) => Promise<boolean>;
  /** Told how each automatic resume ended (kept paused: `wanted` said no). */
  resumed?: (id: string, outcome: AutoResumeOutcome) => void;
  schedule?: Schedule;
}

/** See the module comment. */
export class CpuResumes {
  readonly #o: CpuResumesOptions;
  readonly #schedule: Schedule;
  readonly #pending = new Map<string, () => void>();
  /** Pauses for CPU in a row per run, and when the last one was. */
  readonly #history = new Map<string, { count: number; at: number }>();

  constructor(options: CpuResumesOptions) {
    this.#o = options;
    this.#schedule = options.schedule ?? realSchedule;
  }

  /**
   * Run `id` was paused for CPU now: when it resumes by itself (epoch ms), or undefined when it has
   * used up its automatic resumes and stays paused for its owner.
   */
  paused(id: string): number | undefined {
    this.cancel(id);
    const now = this.#o.clock.now();
    const last = this.#history.get(id);
    const count = last !== undefined && now - last.at < CPU_FORGIVE_AFTER_MS ? last.count + 1 : 1;
    this.#history.set(id, { count, at: now });
    const waitMs = CPU_RESUME_BACKOFF_MS[count - 1];
    if (waitMs === undefined) return undefined;
    this.#pending.set(
      id,
      this.#schedule(() => void this.#resume(id), waitMs),
    );
    return now + waitMs;
  }

  async #resume(id: string): Promise<void> {
    this.#pending.delete(id);
    try {
      if (!(await this.#o.wanted(id))) return this.#o.resumed?.(id, 'kept paused');
      await this.#o.resume(id);
      this.#o.resumed?.(id, 'resumed');
    } catch (error) {
      this.#o.resumed?.(id, { error });
    }
  }

  /** Run `id` is no longer to resume by itself (its owner paused, resumed or stopped it). */
  cancel(id: string): void {
    this.#pending.get(id)?.();
    this.#pending.delete(id);
  }

  /** Whether run `id` waits to resume by itself. */
  waiting(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Cancels every wait (the runner stops). */
  stop(): void {
    for (const cancel of this.#pending.values()) cancel();
    this.#pending.clear();
  }
}
