/**
 * @module One slice of a tenant's runs stepped on a candle close: one call into the tenant's
 * isolate, its CPU held against the sum of the runs' budgets (the thread's CPU clock around the
 * call, shared by the runs' wall time inside it). A run that ran away or threw is stopped and
 * the rest of the slice goes on; over the budget, the run(s) that took the time are stopped. Also
 * the parts of an answer sent ahead. A module of its own because these are the live steps' limits.
 */
import type ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import { type LiveReport, STEP_ROW, WARM_ROW } from './isolate-live.ts';
import type { Tenant, TenantRun } from './live-tenant.ts';
import {
  clampWall,
  classify,
  MAX_WALL_MS,
  onGrid,
  type StepChunk,
  type StepPayload,
  type StepResult,
} from './live-wire.ts';
import { fromIsolate } from './sandbox.ts';
import { threadCpuTicks } from './thread-ticks.ts';

/** A scheduler tick at 100 Hz, the coarsest Linux accounts CPU time in. */
const TICK_MS = 10;

/** What a slice needs of the tenants: stopping a run, closing one. */
export interface SliceOwner {
  /** Entry `i` of `result` failed with `error`: its report says so and its run is closed. */
  failed(i: number, run: TenantRun, error: TicklineError, result: StepResult): void;
  close(runId: string): void;
}

/**
 * Steps the runs of `entries` (indexes into `payload`; `runs` their runs, all of `tenant`), filling
 * their equity, CPU and reports in `result`.
 */
export function stepSlice(
  tenant: Tenant,
  entries: number[],
  runs: TenantRun[],
  payload: StepPayload,
  result: StepResult,
  owner: SliceOwner,
): void {
  const rows = new Float64Array(entries.length * STEP_ROW);
  let budgetMs = 0;
  entries.forEach((i, k) => {
    rows[k * STEP_ROW] = runs[k]!.handle;
    rows.set(payload.rows.subarray(i * WARM_ROW, (i + 1) * WARM_ROW), k * STEP_ROW + 1);
    budgetMs += runs[k]!.limits.cpuMsPerCandle;
  });
  const call = <T>(ref: ivm.Reference, args: unknown[], timeout = onGrid(MAX_WALL_MS)) =>
    ref.applySync(undefined, args, { timeout, result: { copy: true } }) as T;
  let from = 0;
  while (from < entries.length) {
    const before = threadCpuTicks();
    let out: Float64Array;
    let stoppedAt = -1;
    let stopped: unknown;
    try {
      if (entries.length === 1) {
        // One run: its candle as number arguments, its equity back as a number.
        const equity = tenant.api.stepOne.applySync(
          undefined,
          [runs[0]!.handle, ...rows.subarray(1, STEP_ROW)],
          {
            timeout: onGrid(clampWall(budgetMs)),
          },
        ) as number;
        out = Float64Array.of(equity, 0);
      } else
        // The rows as a copied argument: cheaper than an ExternalCopy per call (42 µs a step
        // less over 1,000 isolates on this machine).
        out = tenant.api.stepMany.applySync(undefined, [rows, from], {
          arguments: { copy: true },
          result: { copy: true },
          timeout: onGrid(clampWall(budgetMs)),
        }) as Float64Array;
    } catch (error) {
      stopped = error;
      if (tenant.isolate.isDisposed) {
        // The isolate is gone (its heap limit): every run of the tenant in it is lost with it.
        const coded = classify(error, 'step', budgetMs);
        for (let k = from; k < entries.length; k++) owner.failed(entries[k]!, runs[k]!, coded, result);
        for (const id of [...tenant.runs]) owner.close(id);
        return;
      }
      // Stopped mid-slice: the row being stepped ran away; those before it were decided.
      stoppedAt = call<number>(tenant.api.stepping, []);
      out = call<Float64Array>(tenant.api.partial, []);
    }
    const usedMs = (threadCpuTicks() - before) / 1_000;
    const to = stoppedAt < 0 ? entries.length : stoppedAt;
    collect(tenant, entries, runs, out, from, to, usedMs, result, owner);
    if (stoppedAt < 0) {
      overBudget(entries, runs, out, from, usedMs, budgetMs, result, owner);
      return;
    }
    const run = runs[stoppedAt]!;
    owner.failed(entries[stoppedAt]!, run, classify(stopped, 'step', run.limits.cpuMsPerCandle), result);
    from = stoppedAt + 1;
  }
}

/** Equities, CPU shares and reports of rows `from` to `to` of a stepMany output. */
function collect(
  tenant: Tenant,
  entries: number[],
  runs: TenantRun[],
  out: Float64Array,
  from: number,
  to: number,
  usedMs: number,
  result: StepResult,
  owner: SliceOwner,
): void {
  let wallTotal = 0;
  let reports = false;
  for (let k = from; k < to; k++) wallTotal += out[2 * k + 1]!;
  for (let k = from; k < to; k++) {
    const i = entries[k]!;
    result.equity[i] = out[2 * k]!;
    if (Number.isNaN(out[2 * k]!)) reports = true;
    // The call's CPU shared by the runs' wall time (the isolate has no CPU clock of its own).
    result.cpuMs[i] =
      wallTotal > 0 ? (usedMs * out[2 * k + 1]!) / wallTotal : usedMs / Math.max(1, to - from);
  }
  if (!reports) return;
  const taken = JSON.parse(
    tenant.api.takeReports.applySync(undefined, [], { timeout: onGrid(MAX_WALL_MS) }) as string,
  ) as Array<[number, LiveReport]>;
  for (const [row, report] of taken) {
    if (row < from || row >= to) continue;
    const i = entries[row]!;
    if (report.ok) result.reports.push([i, report]);
    else owner.failed(i, runs[row]!, fromIsolate(report.error), result);
  }
}

/** The slice used more CPU than its runs' budgets together: stop the run(s) that took the time. */
function overBudget(
  entries: number[],
  runs: TenantRun[],
  out: Float64Array,
  from: number,
  usedMs: number,
  budgetMs: number,
  result: StepResult,
  owner: SliceOwner,
): void {
  // The reading is as fresh as the scheduler's last tick: a tick of slack before anyone is stopped.
  if (usedMs <= budgetMs + TICK_MS) return;
  let worst = from;
  const over: number[] = [];
  for (let k = from; k < entries.length; k++) {
    if (out[2 * k + 1]! > out[2 * worst + 1]!) worst = k;
    if (out[2 * k + 1]! > runs[k]!.limits.cpuMsPerCandle) over.push(k);
  }
  for (const k of over.length > 0 ? over : [worst]) {
    const limit = runs[k]!.limits.cpuMsPerCandle;
    owner.failed(
      entries[k]!,
      runs[k]!,
      new TicklineError(
        'STRATEGY_CPU_LIMIT',
        `onCandle used ${result.cpuMs[entries[k]!]!.toFixed(1)} ms of CPU (limit ${limit} ms per candle)`,
        {
          details: { cpuMs: limit, usedMs: result.cpuMs[entries[k]!] },
        },
      ),
      result,
    );
  }
}

/** The decided entries `index` of `result`, as a part sent ahead of the answer. */
export function chunkOf(index: number[], result: StepResult): StepChunk {
  const equity = new Float64Array(index.length);
  const cpuMs = new Float64Array(index.length);
  const wanted = new Set<number>();
  index.forEach((i, k) => {
    equity[k] = result.equity[i]!;
    cpuMs[k] = result.cpuMs[i]!;
    if (Number.isNaN(equity[k])) wanted.add(i);
  });
  const reports = wanted.size === 0 ? [] : result.reports.filter(([i]) => wanted.has(i));
  return { index, equity, cpuMs, reports };
}
