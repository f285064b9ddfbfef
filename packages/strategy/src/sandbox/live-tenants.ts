/**
 * @module The tenants of a live sandbox process: one isolate and one hardened context per tenant
 * (its owner), each of the tenant's runs a module instance in it (isolate-live.ts). Limits held
 * here, inside the process, are the precise ones a user reads in a pause reason:
 *
 * - the tenant's heap (the isolate's memory limit);
 * - CPU per candle: the thread's CPU clock around each call into the isolate — a step of a
 *   tenant's runs is one call, held against the sum of their budgets; when it goes over, its runs
 *   are measured one call each for a while, and a run over its own budget gets a strike; it pauses
 *   only when its strikes fill a window (cpu-strikes.ts);
 * - warm-up: the same per-candle budget over groups of {@link WARM_SLICE} candles, and a budget
 *   for the whole warm-up;
 * - a wall-clock backstop on every call (a loop the CPU check cannot see until it returns).
 *
 * The warm-up's limits are in tenant-warm.ts, the steps' in tenant-step.ts, the memory outside the
 * heaps in tenant-memory.ts; this registry opens, steps and closes the runs.
 *
 * What holds when these do not — a hang, memory outside the heap, a crash — is the supervisor's,
 * outside the process (`@tickline/sandbox` resident-process.ts).
 */
import ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import { threadCpuMicros } from '@tickline/sandbox';
import {
  type LiveReport,
  type LiveRunInput,
  type RecordedFill,
  type RestoredBooks,
  STEP_SLICE,
} from './isolate-live.ts';
import { bookNotes, createTenant, fail, type Tenant, type TenantRun } from './live-tenant.ts';
import { fromIsolate } from './sandbox.ts';
import { loadModule } from './module-load.ts';
import { ownResidentBytes } from './own-memory.ts';
import {
  classify,
  MAX_WALL_MS,
  type OpenedRun,
  setupWall,
  type OpenRunPayload,
  type OpenRunResult,
  type StepPart,
  type StepPayload,
} from './live-wire.ts';
import { cpuPauseReason, CpuStrikes } from './cpu-strikes.ts';
import { chargeTenant, MemoryWatch } from './tenant-memory.ts';
import { STEP_REF } from './step-rows.ts';
import { type SliceOwner, stepSlice, type StepWork } from './tenant-step.ts';
import { runEquity, warmRun } from './tenant-warm.ts';

export { WARM_SLICE } from './tenant-warm.ts';

/**
 * Work between two parts of a step's answer sent ahead (`emit`): the first signals go early. Not
 * every few milliseconds: the server places each part's orders in a turn of their own, and each
 * such turn is a round of statements (risk read, journal, outbox) on its store. At 4 ms and 64
 * entries a wave of 5,000 runs came back in ~20 parts, and those turns cost the server ~20 ms of
 * CPU a wave more than one answer would (bench:live, docs/benchmarks.md, issue 45). At 16 ms the
 * sandbox path still sent ~5× the host path's statements a wave (19 against 4); at 32, ~12–13,
 * the server ~4 ms of CPU a wave less, the candle → signal p99 no worse (2026-11-28).
 */
export const STREAM_EVERY_MS = 32;
/**
 * Fewest entries in a part, unless four times STREAM_EVERY_MS passed: on a loaded machine a few
 * milliseconds of wall time hold a few accounts, and a message per few runs costs the server more
 * than the latency it saves.
 */
const STREAM_MIN_ENTRIES = 256;

/** What a process's tenants may be given (tests). */
export interface LiveTenantsOptions {
  /** The CPU clock of the thread that steps the runs, µs. @default threadCpuMicros */
  cpuMicros?: () => number;
}

/** See the module comment. */
export class LiveTenants {
  /** Each open run's overruns (cpu-strikes.ts); a resumed run's probation comes in its payload. */
  readonly #strikes = new CpuStrikes();
  readonly #cpuMicros: () => number;
  readonly #tenants = new Map<string, Tenant>();
  readonly #runs = new Map<string, TenantRun>();
  /** Runs by handle: what a step message names them by. */
  readonly #byHandle = new Map<number, TenantRun>();
  #nextHandle = 1;
  /** Whether each tenant's calls are measured (the process kept growing). */
  readonly #memory = new MemoryWatch();
  /** What a slice of a step does to the runs it stops. */
  readonly #owner: SliceOwner = {
    failed: (i, run, error, work) => this.#failed(i, run, error, work),
    close: (runId) => this.close(runId),
    judge: (i, run, usedMs, budgetMs, work) => this.#judge(i, run, usedMs, budgetMs, work),
    cpuMicros: () => this.#cpuMicros(),
  };

  constructor(options: LiveTenantsOptions = {}) {
    this.#cpuMicros = options.cpuMicros ?? threadCpuMicros;
  }

  get runCount(): number {
    return this.#runs.size;
  }

  get tenantCount(): number {
    return this.#tenants.size;
  }

  async #tenant(id: string, memoryMb: number): Promise<Tenant> {
    const known = this.#tenants.get(id);
    if (known !== undefined && !known.isolate.isDisposed) return known;
    const tenant = await createTenant(id, memoryMb);
    this.#tenants.set(id, tenant);
    return tenant;
  }

  /** Loads the run's module in its tenant's isolate and opens it. */
  async open(payload: OpenRunPayload): Promise<OpenedRun> {
    this.close(payload.runId);
    const tenant = await this.#tenant(payload.tenant, payload.tenantMemoryMb);
    const { limits } = payload;
    // One deadline for the load and the opening together (init runs in the opening).
    const deadline = performance.now() + setupWall(limits.setupCpuMs);
    const left = (): number => Math.max(1, Math.ceil(deadline - performance.now()));
    let phase: 'setup' | 'evaluate' = 'evaluate';
    const cpuStart = threadCpuMicros();
    let run: TenantRun | undefined;
    try {
      // The module's top level runs in the isolate's loader, with the run's own seeded generator
      // (a compile's, and every other load's, same values): what it throws never reaches the host.
      const definition = await loadModule(tenant.isolate, tenant.context, tenant.entries, {
        code: payload.code,
        seed: payload.settings.seed,
        mode: 'sync',
        timeout: left,
        refused: fromIsolate,
      });
      phase = 'setup';
      const handle = this.#nextHandle++;
      const input: LiveRunInput = {
        feeds: payload.feeds,
        settings: payload.settings,
        params: payload.params,
        capacity: payload.capacity,
      };
      const opened = JSON.parse(
        tenant.api.open.applySync(
          undefined,
          [
            handle,
            definition.derefInto(),
            new ivm.ExternalCopy(input).copyInto({ release: true }),
            payload.settings.seed,
          ],
          { timeout: left() },
        ) as string,
      ) as LiveReport;
      definition.release();
      if (!opened.ok) throw fromIsolate(opened.error);
      run = { id: payload.runId, tenant, handle, limits, fresh: true, wallScale: payload.wallScale ?? 1 };
      this.#runs.set(run.id, run);
      this.#byHandle.set(handle, run);
      tenant.runs.add(run.id);
      if (payload.cpuProbation === true) this.#strikes.probation(run.id);
      const setupMs = (threadCpuMicros() - cpuStart) / 1_000;
      if (setupMs > limits.setupCpuMs)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `loading the strategy used more than ${limits.setupCpuMs} ms of CPU`,
          {
            details: { cpuMs: limits.setupCpuMs },
          },
        );
      return { handle, equity: runEquity(run), cpuMs: setupMs, logs: [] };
    } catch (error) {
      if (run !== undefined) this.close(run.id);
      this.#dropIfBroken(tenant);
      throw classify(error, phase, limits.cpuMsPerCandle);
    }
  }

  /**
   * Warm-up: shows stored candles to the run with their orders dropped, under the per-candle budget
   * (over groups of WARM_SLICE) and the budget of the whole warm-up. A failure closes the run.
   */
  warm(runId: string, rows: Float64Array, alive: () => void): OpenRunResult {
    const run = this.#runs.get(runId);
    if (run === undefined)
      throw new TicklineError('SANDBOX_PROCESS_LOST', 'the run is not open in this process');
    try {
      bookNotes(run.tenant, MAX_WALL_MS);
      return warmRun(run, rows, alive, this.#cpuMicros);
    } catch (error) {
      this.close(run.id);
      throw classify(error, 'step', run.limits.cpuMsPerCandle);
    }
  }

  /**
   * Steps many runs on one candle close, in the message's order: each tenant's consecutive entries
   * are one call into its isolate (in slices), CPU held per call against the sum of its runs'
   * budgets. Runs that fail are closed; their entries carry the report with the code. Decided
   * entries go ahead of the answer (`emit`) every few milliseconds of work; the answer is the rest.
   */
  step(payload: StepPayload, alive: () => void, emit?: (part: StepPart) => void): StepPart {
    const { rows, candles } = payload;
    const n = rows.length / STEP_REF;
    const work: StepWork = { rows, candles, runs: new Array(n), cpuMs: new Float64Array(n), reports: [] };
    for (let i = 0; i < n; i++) work.runs[i] = this.#byHandle.get(rows[i * STEP_REF]!);
    /** Entries before it were sent. */
    let sent = 0;
    let emitted = performance.now();
    const part = (to: number): StepPart => {
      const done = { from: sent, to, cpuMs: work.cpuMs.slice(sent, to), reports: work.reports };
      work.reports = [];
      sent = to;
      return done;
    };
    const measuring = this.#memory.measuring;
    const before = ownResidentBytes();
    let i = 0;
    while (i < n) {
      const run = work.runs[i];
      if (run === undefined) {
        work.reports.push([i++, fail('SANDBOX_PROCESS_LOST', 'the run is not open in this process')]);
        continue;
      }
      const tenant = run.tenant;
      let end = i + 1;
      while (end < n && work.runs[end]?.tenant === tenant) end++;
      const tenantBefore = measuring ? ownResidentBytes() : 0;
      for (let s = i; s < end; s += STEP_SLICE)
        stepSlice(tenant, work, s, Math.min(end, s + STEP_SLICE), this.#owner);
      if (measuring) this.#charge(tenant, ownResidentBytes() - tenantBefore, i, end, work);
      // The tenant's entries are final now (a later tenant never touches them).
      i = end;
      const since = performance.now() - emitted;
      if (
        emit !== undefined &&
        ((since >= STREAM_EVERY_MS && i - sent >= STREAM_MIN_ENTRIES) || since >= 4 * STREAM_EVERY_MS)
      ) {
        emit(part(i));
        emitted = performance.now();
      }
      alive();
    }
    // Memory outside the heaps grows silently (no isolate limit sees it): while the process
    // grows, every tenant's calls are measured until the one growing is found and stopped.
    this.#memory.settle(ownResidentBytes() - before, measuring);
    return part(n);
  }

  /** Counts memory the process gained during a tenant's calls; over its allowance, its runs stop. */
  #charge(tenant: Tenant, grown: number, from: number, to: number, work: StepWork): void {
    const error = chargeTenant(tenant, grown);
    if (error === undefined) return;
    for (let i = from; i < to; i++) {
      const run = work.runs[i]!;
      if (this.#runs.get(run.id) === run) this.#failed(i, run, error, work);
    }
    for (const id of [...tenant.runs]) this.close(id);
  }

  /** A run measured on its own: over its budget it gets a strike, and a window of them pauses it. */
  #judge(i: number, run: TenantRun, usedMs: number, budgetMs: number, work: StepWork): void {
    const over = usedMs > budgetMs;
    // The usual step: within budget, nothing on record (two look-ups by id per run per candle,
    // in maps of thousands, were ~2 % of a live process's CPU).
    if (!over && this.#strikes.empty) return;
    // Failed in this very call (it threw): its report already says why.
    if (this.#runs.get(run.id) !== run) return;
    if (!over && !this.#strikes.has(run.id)) return;
    const verdict = this.#strikes.record(run.id, over ? { usedMs, budgetMs } : undefined);
    if (verdict?.pause !== true) return;
    const error = new TicklineError('STRATEGY_CPU_LIMIT', cpuPauseReason(verdict.strikes), {
      details: { cpuMs: budgetMs, usedMs, strikes: verdict.strikes.map((s) => s.usedMs) },
    });
    this.#failed(i, run, error, work);
  }

  #failed(i: number, run: TenantRun, error: TicklineError, work: StepWork): void {
    const at = work.reports.findIndex(([j]) => j === i);
    const report = fail(error.code, error.message, error.details);
    if (at >= 0) work.reports[at] = [i, report];
    else work.reports.push([i, report]);
    this.close(run.id);
  }

  /** See LiveSession.restore. */
  restore(runId: string, books: RestoredBooks): void {
    const run = this.#runs.get(runId);
    if (run === undefined)
      throw new TicklineError('SANDBOX_PROCESS_LOST', 'the run is not open in this process');
    bookNotes(run.tenant, MAX_WALL_MS);
    const answer = JSON.parse(
      run.tenant.api.restore.applySync(
        undefined,
        [run.handle, new ivm.ExternalCopy(books).copyInto({ release: true })],
        {
          timeout: MAX_WALL_MS,
        },
      ) as string,
    ) as LiveReport;
    if (!answer.ok) throw fromIsolate(answer.error);
  }

  /**
   * A fill of the run's order: booked at the start of the tenant's next call, not in a call of its
   * own (entering a cold isolate costs more than booking; every step of the run comes after it).
   */
  fill(runId: string, fill: RecordedFill): void {
    const run = this.#runs.get(runId);
    if (run === undefined || run.tenant.isolate.isDisposed) return;
    run.tenant.notes.push([0, run.handle, ...fill]);
  }

  /** An order of the run the venue finished: booked as {@link fill} is. */
  done(runId: string, orderId: number): void {
    const run = this.#runs.get(runId);
    if (run === undefined || run.tenant.isolate.isDisposed) return;
    run.tenant.notes.push([1, run.handle, orderId]);
  }

  /** Forgets a run; the tenant's isolate goes with its last run. */
  close(runId: string): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.delete(runId);
    this.#byHandle.delete(run.handle);
    // A session's key is never opened again: its window goes with it.
    this.#strikes.forget(runId);
    const { tenant } = run;
    tenant.runs.delete(runId);
    if (!tenant.isolate.isDisposed) {
      try {
        tenant.api.close.applySync(undefined, [run.handle], { timeout: MAX_WALL_MS });
      } catch {
        // The isolate went while closing: nothing of the run is left either way.
      }
    }
    if (tenant.runs.size === 0) this.#dispose(tenant);
  }

  #dropIfBroken(tenant: Tenant): void {
    if (tenant.isolate.isDisposed || tenant.runs.size === 0) this.#dispose(tenant);
  }

  #dispose(tenant: Tenant): void {
    if (this.#tenants.get(tenant.id) === tenant) this.#tenants.delete(tenant.id);
    for (const id of tenant.runs) {
      const run = this.#runs.get(id);
      if (run !== undefined) this.#byHandle.delete(run.handle);
      this.#runs.delete(id);
    }
    tenant.runs.clear();
    if (!tenant.isolate.isDisposed) tenant.isolate.dispose();
  }
}
