/**
 * @module One slice of a tenant's runs stepped on a candle close: one call into the tenant's
 * isolate, its CPU — the CPU clock of the thread that ran the call (thread-cpu.ts) — held against
 * the sum of the runs' budgets. Not `isolate.cpuTime`: isolated-vm's published Linux builds read
 * it from a steady clock, so it counts the time the thread held the isolate, descheduled or not
 * (a 200 ms `Atomics.wait` reads as 200 ms of CPU; tenant-step.test.ts), and honest runs of a
 * loaded machine were paused for CPU they never used. A run that ran away (the wall backstop) or
 * threw is stopped and the rest of the slice goes on; a run over its budget is a strike, judged
 * by the tenants' CPU window (cpu-strikes.ts). The wall backstop judges by CPU too: a call it cut
 * whose thread got less CPU than the run's budget was starved by the machine (a loaded host, a
 * stopped process), not run away — see {@link backstopVerdict}.
 *
 * What crosses per call is as little as a call can carry: the slice's rows through the tenant's
 * shared buffer (written from the message's rows and its candles, each once: step-rows.ts; nothing
 * allocated on either side), the fills and finished orders noted
 * for its runs since its last call when there are any (JSON, booked before the rows), and back 0
 * or the reports. The runs' wall times are fetched only when the call went over its budget.
 */
import type ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import type { LiveReport } from './isolate-live.ts';
import { stepBudgetMs, type Tenant, type TenantRun } from './live-tenant.ts';
import {
  type CallSpent,
  classify,
  MAX_WALL_MS,
  onGrid,
  round1,
  scaledWall,
  starvedCut,
  unhandledRejection,
} from './live-wire.ts';
import { fromIsolate } from './sandbox.ts';
import { expandRows } from './step-rows.ts';

/** One step message being decided: its rows, their runs, and what the slices found. */
export interface StepWork {
  /** STEP_REF numbers per entry, and the candles they index (live-wire.ts StepPayload). */
  rows: Float64Array;
  candles: Float64Array;
  /** Entry i's run, as it was when the message arrived (undefined: not open here). */
  runs: Array<TenantRun | undefined>;
  /** CPU each entry used, ms. */
  cpuMs: Float64Array;
  /** Reports of the entries decided since the last part was sent, by entry index. */
  reports: Array<[number, LiveReport]>;
}

/** What a slice needs of the tenants: stopping a run, closing one, judging its CPU, the clock. */
export interface SliceOwner {
  /** Entry `i` of `work` failed with `error`: its report says so and its run is closed. */
  failed(i: number, run: TenantRun, error: TicklineError, work: StepWork): void;
  close(runId: string): void;
  /**
   * Entry `i` was measured on its own: `usedMs` of CPU against `budgetMs`. Over it, a strike (or
   * the pause a window of them makes, through `failed`).
   */
  judge(i: number, run: TenantRun, usedMs: number, budgetMs: number, work: StepWork): void;
  /** The CPU clock of this thread, µs (threadCpuMicros). */
  cpuMicros(): number;
}

/**
 * Slices a tenant's runs are stepped one call each after a call of several of them went over
 * their budgets together: the call's CPU cannot be split among them (their wall times inside it
 * include the time the thread was descheduled), so nobody is charged for it and the next calls
 * measure each run on its own.
 */
export const APART_STEPS = 10;

const US_PER_MS = 1_000;

/** The slice's budgets by row, reused likewise (a slice is stepped to its end before the next). */
let budgetRows = new Float64Array(16);
const budgetScratch = (runs: number): Float64Array =>
  budgetRows.length >= runs ? budgetRows : (budgetRows = new Float64Array(runs * 2));

/**
 * Steps entries `from` to `to` (exclusive) of `work`, all runs of `tenant`: their CPU and reports
 * go into `work`.
 */
export function stepSlice(tenant: Tenant, work: StepWork, from: number, to: number, owner: SliceOwner): void {
  if ((tenant.stepApart || tenant.apartSteps > 0) && to - from > 1) {
    tenant.apartSteps = Math.max(0, tenant.apartSteps - 1);
    for (let i = from; i < to; i++) stepSlice(tenant, work, i, i + 1, owner);
    return;
  }
  let budgetMs = 0;
  let wallScale = 1;
  const budgets = budgetScratch(to - from);
  for (let i = from; i < to; i++) {
    const run = work.runs[i]!;
    budgetMs += budgets[i - from] = stepBudgetMs(run);
    run.fresh = false;
    if (run.wallScale !== 1) {
      wallScale = Math.max(wallScale, run.wallScale);
      run.wallScale = 1;
    }
  }
  // Into the buffer the isolate reads (a slice is at most STEP_SLICE rows, as it holds).
  expandRows(work.rows, work.candles, from, to, tenant.rows);
  const api = tenant.api;
  const quick = <T>(ref: ivm.Reference, args: unknown[]) =>
    ref.applySync(undefined, args, { timeout: onGrid(MAX_WALL_MS), result: { copy: true } }) as T;
  let at = from;
  while (at < to) {
    // Booked first in the call: what the runs' own steps read (a fill before the candle after it).
    const notes = tenant.notes.length === 0 ? undefined : JSON.stringify(tenant.notes);
    tenant.notes = [];
    const before = owner.cpuMicros();
    const wallBefore = performance.now();
    /** 0 (none), the reports as JSON, or undefined (stopped: fetch them). */
    let reported: 0 | string | undefined;
    let stoppedAt = -1;
    let stopped: unknown;
    try {
      reported = api.stepMany.applySync(undefined, [at - from, to - from, notes], {
        timeout: onGrid(scaledWall(budgetMs, wallScale)),
      }) as 0 | string;
    } catch (error) {
      stopped = error;
      if (tenant.isolate.isDisposed) {
        // The isolate is gone (its heap limit): every run of the tenant in it is lost with it.
        const coded = classify(error, 'step', budgetMs);
        for (let i = at; i < to; i++) owner.failed(i, work.runs[i]!, coded, work);
        for (const id of [...tenant.runs]) owner.close(id);
        return;
      }
      const row = quick<number>(api.stepping, []);
      if (row < 0) {
        const spent = {
          usedMs: (owner.cpuMicros() - before) / US_PER_MS,
          wallMs: performance.now() - wallBefore,
        };
        afterCall(tenant, work, from, at, to, error, budgetMs, spent, owner);
        return;
      }
      // Stopped mid-slice: the row being stepped ran away; those before it were decided.
      stoppedAt = from + row;
      reported = undefined;
    }
    const usedMs = (owner.cpuMicros() - before) / US_PER_MS;
    const end = stoppedAt < 0 ? to : stoppedAt;
    if (reported !== 0) takeReports(tenant, work, from, at, end, owner, reported);
    if (stoppedAt >= 0) {
      // The runaway took the time; those before it get their share by wall time.
      share(tenant, work, from, at, end, usedMs, true);
      const run = work.runs[stoppedAt]!;
      const cut = backstopVerdict(stopped, budgets[stoppedAt - from]!, {
        usedMs,
        wallMs: performance.now() - wallBefore,
      });
      owner.failed(stoppedAt, run, cut, work);
      at = stoppedAt + 1;
      continue;
    }
    if (end - at === 1) {
      // Measured on its own: the run's own CPU, judged against its own budget.
      work.cpuMs[at] = usedMs;
      owner.judge(at, work.runs[at]!, usedMs, budgets[at - from]!, work);
      return;
    }
    if (usedMs <= budgetMs) {
      // Within the budget (the usual case): the call's CPU shared equally, no wall times fetched.
      for (let i = at; i < end; i++) {
        work.cpuMs[i] = usedMs / (end - at);
        // Within the slice's budget nobody is over it (an equal share may pass a run's own).
        owner.judge(i, work.runs[i]!, Math.min(work.cpuMs[i]!, budgets[i - from]!), budgets[i - from]!, work);
      }
      return;
    }
    // Over the budgets together: shared by wall time for the accounts, judged on their own next.
    share(tenant, work, from, at, end, usedMs, false);
    tenant.apartSteps = APART_STEPS;
    return;
  }
}

/**
 * The call stepped every row and returned, then isolated-vm raised what came after it, still on
 * the tenant's clock: the first promise its code rejected with no handler (`import()` always does),
 * or a `.then` callback that ran past the backstop. Every row was decided (their reports stand). A
 * lone run is the one that did it; among several runs of the tenant none can be named, so nobody is
 * stopped this time and its runs are stepped one call each from now on, which names it next time.
 */
function afterCall(
  tenant: Tenant,
  work: StepWork,
  from: number,
  at: number,
  to: number,
  error: unknown,
  budgetMs: number,
  spent: CallSpent,
  owner: SliceOwner,
): void {
  takeReports(tenant, work, from, at, to, owner);
  for (let i = at; i < to; i++) work.cpuMs[i] = budgetMs / (to - at);
  if (to - at > 1) {
    tenant.stepApart = true;
    return;
  }
  const coded = /timed out/i.test(error instanceof Error ? error.message : String(error))
    ? backstopVerdict(error, budgetMs, spent, true)
    : unhandledRejection(error);
  owner.failed(at, work.runs[at]!, coded, work);
}

/**
 * Reports of rows `at`..`end` of the slice starting at entry `from` (`json` as the call answered
 * them, or fetched): kept, or their runs failed.
 */
function takeReports(
  tenant: Tenant,
  work: StepWork,
  from: number,
  at: number,
  end: number,
  owner: SliceOwner,
  json?: string,
): void {
  const taken = JSON.parse(
    json ?? (tenant.api.takeReports.applySync(undefined, [], { timeout: onGrid(MAX_WALL_MS) }) as string),
  ) as Array<[number, LiveReport]>;
  for (const [row, report] of taken) {
    const i = from + row;
    if (i < at || i >= end) continue;
    if (report.ok) work.reports.push([i, report]);
    else owner.failed(i, work.runs[i]!, fromIsolate(report.error), work);
  }
}

/**
 * The call's CPU shared by the wall times of rows `at`..`end` inside it (the isolate has no CPU
 * clock per run). After a stop the runaway took the time: the rows before it get their own wall
 * time, at most the call's CPU.
 */
function share(
  tenant: Tenant,
  work: StepWork,
  from: number,
  at: number,
  end: number,
  usedMs: number,
  stopped: boolean,
): void {
  if (end <= at) return;
  const walls = tenant.api.walls.applySync(undefined, [end - from], {
    timeout: onGrid(MAX_WALL_MS),
    result: { copy: true },
  }) as Float64Array;
  let total = 0;
  for (let i = at; i < end; i++) total += walls[i - from]!;
  for (let i = at; i < end; i++)
    work.cpuMs[i] = stopped
      ? Math.min(walls[i - from]!, usedMs)
      : total > 0
        ? (usedMs * walls[i - from]!) / total
        : usedMs / (end - at);
}

/**
 * Why a run's call was cut by the wall backstop (`error`), judged by the CPU its thread used in it
 * (`usedMs`, the kernel's count for the thread: threadCpuMicros), not by the wall time alone:
 *
 * - at least the run's budget: it ran away (a loop that never returned) — STRATEGY_CPU_LIMIT, the
 *   run pauses at once, as before;
 * - less: starved by the machine, not the tenant's doing ({@link starvedCut}): no strike, no
 *   pause. The step was cut mid-way, so the run's engine is left in an unknown state; it is closed
 *   here and answered SANDBOX_PROCESS_LOST, so the runner reopens it from its last decided candle
 *   (the candle cut is decided again, with the same client order ids, as after a process loss).
 *
 * The call's CPU includes the rows stepped before the run in the same call, so a run is judged
 * starved only when even that sum stayed under its own budget. `returned`: the call returned and
 * what came after it (a `.then` callback) was cut: its message is not "did not return".
 */
export function backstopVerdict(
  error: unknown,
  budgetMs: number,
  spent: CallSpent,
  returned = false,
): TicklineError {
  const coded = classify(error, 'step', budgetMs);
  if (coded.code !== 'STRATEGY_CPU_LIMIT') return coded;
  const starved = starvedCut(error, budgetMs, spent, 'step');
  if (starved !== undefined) return starved;
  const details = {
    cpuMs: budgetMs,
    usedMs: round1(spent.usedMs),
    wallMs: Math.round(spent.wallMs),
    backstop: 'runaway',
  };
  if (returned) return new TicklineError(coded.code, coded.message, { details });
  return new TicklineError(
    'STRATEGY_CPU_LIMIT',
    `onCandle did not return: stopped after ${spent.usedMs.toFixed(0)} ms of CPU (limit ${budgetMs} ms per candle). ` +
      'Look for a loop that never ends, or do less work per candle.',
    { details },
  );
}
