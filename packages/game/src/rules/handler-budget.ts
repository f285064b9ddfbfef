/**
 * @module How long a game handler took, judged against its budget: a rules room's handler is
 * failed when it ran past it. A module of its own because the timing rules (a thread-wide CPU
 * mark, wall time first) are apart from what the room does with a handler's answer.
 */
import { threadCpuMicros } from '@tickline/kernel';

/**
 * This thread's CPU clock's last reading (ms) and the wall time it was taken at, shared by every
 * room of the thread (whose CPU clock it is). A handler's CPU is read only when its wall time ran
 * past its budget, against this mark: a process's rooms and their hundreds of commands a tick
 * cost one CPU read every few ms, not one per handler.
 */
const cpuMark = { cpu: 0, wall: Number.NEGATIVE_INFINITY };

/** A handler's start, as {@link HandlerBudget.start} took it. */
export interface HandlerStart {
  wall: number;
  cpu: number;
}

/** Times handlers against a budget of `budgetMs` per tick they cover. */
export class HandlerBudget {
  readonly #timer: () => number;
  /** Timed by the thread's CPU clock (the default); a test's injected timer is read every time. */
  readonly #cpuTimer: boolean;
  readonly budgetMs: number;

  constructor(budgetMs: number, timer?: () => number) {
    this.budgetMs = budgetMs;
    this.#timer = timer ?? (() => threadCpuMicros() / 1_000);
    this.#cpuTimer = timer === undefined;
  }

  /** The start of a handler. */
  start(): HandlerStart {
    if (!this.#cpuTimer) return { wall: 0, cpu: this.#timer() };
    const wall = performance.now();
    // The CPU mark is read again once a quarter budget of wall time old.
    if (wall - cpuMark.wall > this.budgetMs / 4) {
      cpuMark.cpu = this.#timer();
      cpuMark.wall = wall;
    }
    return { wall, cpu: cpuMark.cpu };
  }

  /**
   * Why a handler started at `started` and covering `ticks` ticks failed its budget (a late step's
   * `tick` has a budget for each tick it covers), or undefined when it was within it.
   *
   * CPU time never exceeds the wall time that passed: a handler done within its budget of wall
   * time was within its budget of CPU, without a read of the CPU clock (two system calls a read,
   * most of a turn-based room's cost per command). Past it, the CPU since the mark less the wall
   * time from the mark to the handler's start (the most anything else can have used) is the
   * least the handler used: judged by it, a handler in budget is never failed.
   */
  overrun(started: HandlerStart, ticks: number): string | undefined {
    const budgetMs = this.budgetMs * ticks;
    const wallMs = this.#cpuTimer ? performance.now() - started.wall : Number.POSITIVE_INFINITY;
    if (wallMs <= budgetMs) return undefined;
    const tookMs = this.#cpuTimer
      ? this.#timer() - started.cpu - (started.wall - cpuMark.wall)
      : this.#timer() - started.cpu;
    return tookMs > budgetMs ? `took ${tookMs.toFixed(1)} ms (budget ${budgetMs} ms)` : undefined;
  }
}
