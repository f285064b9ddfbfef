/**
 * @module One slice of a tenant's runs stepped on a candle close: one call into the tenant's
 * isolate, its CPU — the isolate's own clock (isolated-vm reads the thread's CPU clock as it
 * enters and leaves: exact, and no system call of ours) — held against the sum of the runs'
 * budgets. A run that ran away or threw is stopped and the rest of the slice goes on; over the
 * budget, the run(s) that took the time are stopped. A module of its own because these are the
 * live steps' limits.
 *
 * What crosses per call is as little as a call can carry (bench/live/floor.ts measured each way on
 * ~500 isolates): the slice's rows as one copied `Float64Array` (a lone run's candle as number
 * arguments), and back the number of runs that left a report. Reports are fetched only when there
 * are some, the runs' wall times only when the call went over its budget.
 */
import type ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import { type LiveReport, STEP_ROW } from './isolate-live.ts';
import { stepBudgetMs, type Tenant, type TenantRun } from './live-tenant.ts';
import { clampWall, classify, MAX_WALL_MS, onGrid, unhandledRejection } from './live-wire.ts';
import { fromIsolate } from './sandbox.ts';

/** One step message being decided: its rows, their runs, and what the slices found. */
export interface StepWork {
  /** STEP_ROW numbers per entry (live-wire.ts StepPayload). */
  rows: Float64Array;
  /** Entry i's run, as it was when the message arrived (undefined: not open here). */
  runs: Array<TenantRun | undefined>;
  /** CPU each entry used, ms. */
  cpuMs: Float64Array;
  /** Reports of the entries decided since the last part was sent, by entry index. */
  reports: Array<[number, LiveReport]>;
}

/** What a slice needs of the tenants: stopping a run, closing one. */
export interface SliceOwner {
  /** Entry `i` of `work` failed with `error`: its report says so and its run is closed. */
  failed(i: number, run: TenantRun, error: TicklineError, work: StepWork): void;
  close(runId: string): void;
}

const NS_PER_MS = 1_000_000;

/** Buffers for a slice's rows by run count, reused from call to call (the copy in is the isolate's). */
const scratches: Float64Array[] = [];
const scratch = (runs: number): Float64Array => (scratches[runs] ??= new Float64Array(runs * STEP_ROW));
/** The slice's budgets by row, reused likewise (a slice is stepped to its end before the next). */
let budgetRows = new Float64Array(16);
const budgetScratch = (runs: number): Float64Array =>
  budgetRows.length >= runs ? budgetRows : (budgetRows = new Float64Array(runs * 2));

/**
 * Steps entries `from` to `to` (exclusive) of `work`, all runs of `tenant`: their CPU and reports
 * go into `work`.
 */
export function stepSlice(tenant: Tenant, work: StepWork, from: number, to: number, owner: SliceOwner): void {
  if (tenant.stepApart && to - from > 1) {
    for (let i = from; i < to; i++) stepSlice(tenant, work, i, i + 1, owner);
    return;
  }
  let budgetMs = 0;
  const budgets = budgetScratch(to - from);
  for (let i = from; i < to; i++) {
    const run = work.runs[i]!;
    budgetMs += budgets[i - from] = stepBudgetMs(run);
    run.fresh = false;
  }
  // Its own buffer: a view crosses with the whole buffer under it (isolated-vm copies all of it).
  const rows = scratch(to - from);
  rows.set(work.rows.subarray(from * STEP_ROW, to * STEP_ROW));
  const api = tenant.api;
  const quick = <T>(ref: ivm.Reference, args: unknown[]) =>
    ref.applySync(undefined, args, { timeout: onGrid(MAX_WALL_MS), result: { copy: true } }) as T;
  let at = from;
  while (at < to) {
    const before = tenant.isolate.cpuTime;
    let reported: number;
    let stoppedAt = -1;
    let stopped: unknown;
    try {
      reported =
        to - from === 1
          ? // One run: its candle as number arguments, nothing to allocate on either side.
            (api.stepOne.applySync(
              undefined,
              [rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7], rows[8]],
              { timeout: onGrid(clampWall(budgetMs)) },
            ) as number)
          : (api.stepMany.applySync(undefined, [rows, at - from], {
              arguments: { copy: true },
              timeout: onGrid(clampWall(budgetMs)),
            }) as number);
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
        afterCall(tenant, work, from, at, to, error, budgetMs, owner);
        return;
      }
      // Stopped mid-slice: the row being stepped ran away; those before it were decided.
      stoppedAt = from + row;
      reported = 1;
    }
    const usedMs = Number(tenant.isolate.cpuTime - before) / NS_PER_MS;
    const end = stoppedAt < 0 ? to : stoppedAt;
    if (reported > 0) takeReports(tenant, work, from, at, end, owner);
    if (stoppedAt >= 0) {
      // The runaway took the time; those before it get their share by wall time.
      share(tenant, work, from, at, end, usedMs, true);
      const run = work.runs[stoppedAt]!;
      owner.failed(stoppedAt, run, classify(stopped, 'step', budgets[stoppedAt - from]!), work);
      at = stoppedAt + 1;
      continue;
    }
    if (usedMs <= budgetMs) {
      // Within the budget (the usual case): the call's CPU shared equally, no wall times fetched.
      for (let i = at; i < end; i++) work.cpuMs[i] = usedMs / (end - at);
      return;
    }
    share(tenant, work, from, at, end, usedMs, false);
    overBudget(work, at, end, (i) => budgets[i - from]!, owner);
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
  owner: SliceOwner,
): void {
  takeReports(tenant, work, from, at, to, owner);
  for (let i = at; i < to; i++) work.cpuMs[i] = budgetMs / (to - at);
  if (to - at > 1) {
    tenant.stepApart = true;
    return;
  }
  const coded = /timed out/i.test(error instanceof Error ? error.message : String(error))
    ? classify(error, 'step', budgetMs)
    : unhandledRejection(error);
  owner.failed(at, work.runs[at]!, coded, work);
}

/** Reports of rows `at`..`end` of the slice starting at entry `from`: kept, or their runs failed. */
function takeReports(
  tenant: Tenant,
  work: StepWork,
  from: number,
  at: number,
  end: number,
  owner: SliceOwner,
): void {
  const taken = JSON.parse(
    tenant.api.takeReports.applySync(undefined, [], { timeout: onGrid(MAX_WALL_MS) }) as string,
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

/** The call used more CPU than its runs' budgets together: stop the run(s) that took the time. */
function overBudget(
  work: StepWork,
  at: number,
  end: number,
  budgetOf: (i: number) => number,
  owner: SliceOwner,
): void {
  let worst = at;
  const over: number[] = [];
  for (let i = at; i < end; i++) {
    if (work.cpuMs[i]! > work.cpuMs[worst]!) worst = i;
    if (work.cpuMs[i]! > budgetOf(i)) over.push(i);
  }
  for (const i of over.length > 0 ? over : [worst]) {
    const limit = budgetOf(i);
    const usedMs = work.cpuMs[i]!;
    owner.failed(
      i,
      work.runs[i]!,
      new TicklineError(
        'STRATEGY_CPU_LIMIT',
        `onCandle used ${usedMs.toFixed(1)} ms of CPU (limit ${limit} ms per candle)`,
        { details: { cpuMs: limit, usedMs } },
      ),
      work,
    );
  }
}
