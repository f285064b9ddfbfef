/**
 * @module The tenants of a live sandbox process: one isolate and one hardened context per tenant
 * (its owner), each of the tenant's runs a module instance in it (isolate-live.ts). Limits held
 * here, inside the process, are the precise ones a user reads in a pause reason:
 *
 * - the tenant's heap (the isolate's memory limit);
 * - CPU per candle: the thread's CPU clock around each call into the isolate — a step of a
 *   tenant's runs is one call, held against the sum of their budgets; when it goes over, the run
 *   that took the time (by the isolate's own wall clock) is the one stopped;
 * - warm-up: the same per-candle budget over groups of {@link WARM_SLICE} candles, and a budget
 *   for the whole warm-up;
 * - a wall-clock backstop on every call (a loop the CPU check cannot see until it returns).
 *
 * What holds when these do not — a hang, memory outside the heap, a crash — is the supervisor's,
 * outside the process (`@tickline/sandbox` resident-process.ts).
 */
import ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import { threadCpuMicros } from '@tickline/sandbox';
import { threadCpuTicks } from './thread-ticks.ts';
import {
  STEP_ROW,
  WARM_ROW,
  type LiveReport,
  type LiveRunInput,
  type RestoredBooks,
} from './isolate-live.ts';
import { fromIsolate, MODULE_FILENAME, syntaxError } from './sandbox.ts';
import { loadEngine, type EntryRef } from './engine-entries.ts';
import { ownResidentBytes } from './own-memory.ts';
import {
  clampWall,
  classify,
  MAX_WALL_MS,
  onGrid,
  type LiveRunLimits,
  type OpenRunPayload,
  type OpenRunResult,
  type StepChunk,
  type StepPayload,
  type StepResult,
} from './live-wire.ts';

/** Warm-up candles per call into the isolate (the per-candle budget holds over each group). */
export const WARM_SLICE = 8;
/** Live rows per call into the isolate (so a tenant with many runs still answers between slices). */
const STEP_SLICE = 16;
/** Work between two parts of a step's answer sent ahead (`emit`): the first signals go early. */
export const STREAM_EVERY_MS = 4;
/**
 * Fewest entries in a part, unless four times STREAM_EVERY_MS passed: on a loaded machine a few
 * milliseconds of wall time hold a few accounts, and a message per few runs costs the server more
 * than the latency it saves.
 */
const STREAM_MIN_ENTRIES = 64;

type Api = Record<(typeof API)[number], EntryRef>;

interface Tenant {
  id: string;
  isolate: ivm.Isolate;
  context: ivm.Context;
  api: Api;
  runs: Set<string>;
  /** Resident memory the process gained during this tenant's calls (while it was measured). */
  grownBytes: number;
  /** What it may gain: its heap limit again, for what lives outside the heap. */
  allowedBytes: number;
}

interface Run {
  id: string;
  tenant: Tenant;
  handle: number;
  limits: LiveRunLimits;
  module: ivm.Module;
}

const API = [
  'open',
  'stepMany',
  'stepOne',
  'stepping',
  'partial',
  'takeReports',
  'warm',
  'restore',
  'fill',
  'done',
  'close',
] as const;

const MIB = 1024 * 1024;
/** A scheduler tick at 100 Hz, the coarsest Linux accounts CPU time in. */
const TICK_MS = 10;
/** Growth over candle closes past this makes the next ones measure each tenant. */
const SUSPECT_GROWTH = 2 * MIB;

const fail = (code: string, message: string): LiveReport => ({ ok: false, error: { code, message } });

/** See the module comment. */
export class LiveTenants {
  readonly #tenants = new Map<string, Tenant>();
  readonly #runs = new Map<string, Run>();
  #nextHandle = 1;
  /** Growth of the process over candle closes not yet traced to a tenant. */
  #untraced = 0;
  /** The process kept growing: each tenant's calls are measured. */
  #measuring = false;

  get runCount(): number {
    return this.#runs.size;
  }

  get tenantCount(): number {
    return this.#tenants.size;
  }

  async #tenant(id: string, memoryMb: number): Promise<Tenant> {
    const known = this.#tenants.get(id);
    if (known !== undefined && !known.isolate.isDisposed) return known;
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      const context = await isolate.createContext();
      // The entry points are taken before any user code runs; the realm is locked then (each run
      // gets its own seed from the live API).
      const api = (await loadEngine(isolate, context, 1, 10_000, API)).live;
      const tenant: Tenant = {
        id,
        isolate,
        context,
        api,
        runs: new Set(),
        grownBytes: 0,
        allowedBytes: memoryMb * MIB,
      };
      this.#tenants.set(id, tenant);
      return tenant;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  /** Loads the run's module in its tenant's isolate and opens it. */
  async open(payload: OpenRunPayload): Promise<OpenRunResult> {
    this.close(payload.runId);
    const tenant = await this.#tenant(payload.tenant, payload.tenantMemoryMb);
    const { limits } = payload;
    const setupWall = clampWall(limits.setupCpuMs);
    let phase: 'setup' | 'evaluate' = 'setup';
    const cpuStart = threadCpuMicros();
    let run: Run | undefined;
    try {
      let module: ivm.Module;
      try {
        module = await tenant.isolate.compileModule(payload.code, { filename: MODULE_FILENAME });
      } catch (error) {
        throw syntaxError(error);
      }
      let imported: string | undefined;
      await module.instantiate(tenant.context, (specifier) => {
        imported = specifier;
        throw new Error(`imports are not available to strategies: ${specifier}`);
      });
      if (imported !== undefined)
        throw new TicklineError(
          'STRATEGY_FORBIDDEN_API',
          `imports are not available to strategies (${imported})`,
          {
            details: { api: 'import' },
          },
        );
      phase = 'evaluate';
      module.evaluateSync({ timeout: setupWall });
      phase = 'setup';
      const definition = module.namespace.getSync('default', { reference: true });
      if (definition.typeof !== 'object')
        throw new TicklineError(
          'STRATEGY_DEFINITION_INVALID',
          'the strategy module needs a default export (defineStrategy({ … }))',
        );
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
          { timeout: setupWall },
        ) as string,
      ) as LiveReport;
      definition.release();
      if (!opened.ok) throw fromIsolate(opened.error);
      run = { id: payload.runId, tenant, handle, limits, module };
      this.#runs.set(run.id, run);
      tenant.runs.add(run.id);
      const setupMs = (threadCpuMicros() - cpuStart) / 1_000;
      if (setupMs > limits.setupCpuMs)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `loading the strategy used more than ${limits.setupCpuMs} ms of CPU`,
          {
            details: { cpuMs: limits.setupCpuMs },
          },
        );
      return { equity: this.#equity(run), cpuMs: setupMs, logs: [] };
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
      return this.#warm(run, rows, alive);
    } catch (error) {
      this.close(run.id);
      throw classify(error, 'step', run.limits.cpuMsPerCandle);
    }
  }

  #warm(run: Run, rows: Float64Array, alive: () => void): OpenRunResult {
    const cpuStart = threadCpuMicros();
    const { limits } = run;
    const logs: OpenRunResult['logs'] = [];
    let equity = NaN;
    let warmMs = 0;
    const count = rows.length / WARM_ROW;
    for (let r = 0; r < count; r += WARM_SLICE) {
      const slice = rows.subarray(r * WARM_ROW, Math.min(count, r + WARM_SLICE) * WARM_ROW);
      const n = slice.length / WARM_ROW;
      const before = threadCpuMicros();
      const answer = JSON.parse(
        run.tenant.api.warm.applySync(
          undefined,
          [run.handle, new ivm.ExternalCopy(slice).copyInto({ release: true })],
          { timeout: onGrid(clampWall(limits.cpuMsPerCandle * n)) },
        ) as string,
      ) as
        | { ok: true; equity: number; logs: OpenRunResult['logs'] }
        | { ok: false; error: LiveReport & { ok: false } };
      const usedMs = (threadCpuMicros() - before) / 1_000;
      warmMs += usedMs;
      if (!answer.ok)
        throw fromIsolate((answer as unknown as { error: { code: string; message: string } }).error);
      equity = answer.equity;
      for (const l of answer.logs) if (logs.length < 200) logs.push(l);
      if (usedMs > limits.cpuMsPerCandle * n)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `warm-up used ${(usedMs / n).toFixed(1)} ms of CPU per candle (limit ${limits.cpuMsPerCandle} ms per candle)`,
          { details: { cpuMs: limits.cpuMsPerCandle, usedMs: usedMs / n } },
        );
      if (warmMs > limits.warmupCpuMs)
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `warm-up used ${warmMs.toFixed(0)} ms of CPU (limit ${limits.warmupCpuMs} ms for the whole warm-up)`,
          { details: { cpuMs: limits.warmupCpuMs, usedMs: warmMs } },
        );
      alive();
    }
    if (Number.isNaN(equity)) equity = this.#equity(run);
    return { equity, cpuMs: (threadCpuMicros() - cpuStart) / 1_000, logs };
  }

  /** The run's equity with no candle seen: a warm-up of nothing. */
  #equity(run: Run): number {
    const answer = JSON.parse(
      run.tenant.api.warm.applySync(
        undefined,
        [run.handle, new ivm.ExternalCopy(new Float64Array(0)).copyInto({ release: true })],
        {
          timeout: MAX_WALL_MS,
        },
      ) as string,
    ) as { ok: boolean; equity: number };
    return answer.ok ? answer.equity : 0;
  }

  /**
   * Steps many runs on one candle close: one call into each tenant's isolate (in slices), CPU held
   * per tenant against the sum of its runs' budgets. Runs that fail are closed; their entries carry
   * the report with the code.
   */
  step(payload: StepPayload, alive: () => void, emit?: (chunk: StepChunk) => void): StepResult {
    const n = payload.ids.length;
    const result: StepResult = { equity: new Float64Array(n), cpuMs: new Float64Array(n), reports: [] };
    const byTenant = new Map<Tenant, number[]>();
    /** Entries decided since the last part sent. */
    let decided: number[] = [];
    let emitted = performance.now();
    const send = () => {
      if (emit === undefined || decided.length === 0) return;
      emit(this.#chunk(decided, result));
      decided = [];
      emitted = performance.now();
    };
    for (let i = 0; i < n; i++) {
      const run = this.#runs.get(payload.ids[i]!);
      if (run === undefined) {
        result.equity[i] = NaN;
        result.reports.push([i, fail('SANDBOX_PROCESS_LOST', 'the run is not open in this process')]);
        decided.push(i);
        continue;
      }
      const list = byTenant.get(run.tenant);
      if (list === undefined) byTenant.set(run.tenant, [i]);
      else list.push(i);
    }
    const measuring = this.#measuring;
    const before = ownResidentBytes();
    for (const [tenant, entries] of byTenant) {
      const tenantBefore = measuring ? ownResidentBytes() : 0;
      for (let s = 0; s < entries.length; s += STEP_SLICE)
        this.#stepSlice(tenant, entries.slice(s, s + STEP_SLICE), payload, result);
      if (measuring) this.#charge(tenant, ownResidentBytes() - tenantBefore, entries, payload, result);
      // The tenant's entries are final now (a later tenant never touches them).
      for (const i of entries) decided.push(i);
      const since = performance.now() - emitted;
      if ((since >= STREAM_EVERY_MS && decided.length >= STREAM_MIN_ENTRIES) || since >= 4 * STREAM_EVERY_MS)
        send();
      alive();
    }
    // Memory outside the heaps grows silently (no isolate limit sees it): while the process
    // grows, every tenant's calls are measured until the one growing is found and stopped.
    const grown = ownResidentBytes() - before;
    if (measuring) this.#measuring = grown > SUSPECT_GROWTH / 4;
    else {
      this.#untraced = Math.max(0, this.#untraced + grown);
      this.#measuring = this.#untraced > SUSPECT_GROWTH;
      if (this.#measuring) this.#untraced = 0;
    }
    return result;
  }

  /** The decided entries `index` of `result`, as a part sent ahead of the answer. */
  #chunk(index: number[], result: StepResult): StepChunk {
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

  /** Counts memory the process gained during a tenant's call; over its allowance, its runs stop. */
  #charge(tenant: Tenant, grown: number, entries: number[], payload: StepPayload, result: StepResult): void {
    tenant.grownBytes = Math.max(0, tenant.grownBytes + grown);
    if (tenant.grownBytes <= tenant.allowedBytes || tenant.isolate.isDisposed) return;
    const error = new TicklineError(
      'STRATEGY_MEMORY_LIMIT',
      `the strategy held more than ${Math.round(tenant.allowedBytes / MIB)} MB outside its heap (Intl objects, buffers)`,
      { details: { memoryMb: Math.round(tenant.allowedBytes / MIB) } },
    );
    for (const i of entries) {
      const run = this.#runs.get(payload.ids[i]!);
      if (run !== undefined) this.#failed(i, run, error, result);
    }
    for (const id of [...tenant.runs]) this.close(id);
  }

  #stepSlice(tenant: Tenant, entries: number[], payload: StepPayload, result: StepResult): void {
    const runs = entries.map((i) => this.#runs.get(payload.ids[i]!)!);
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
          for (let k = from; k < entries.length; k++) this.#failed(entries[k]!, runs[k]!, coded, result);
          for (const id of [...tenant.runs]) this.close(id);
          return;
        }
        // Stopped mid-slice: the row being stepped ran away; those before it were decided.
        stoppedAt = call<number>(tenant.api.stepping, []);
        out = call<Float64Array>(tenant.api.partial, []);
      }
      const usedMs = (threadCpuTicks() - before) / 1_000;
      const to = stoppedAt < 0 ? entries.length : stoppedAt;
      this.#collect(tenant, entries, runs, out, from, to, usedMs, result);
      if (stoppedAt < 0) {
        this.#overBudget(entries, runs, out, from, usedMs, budgetMs, result);
        return;
      }
      const run = runs[stoppedAt]!;
      this.#failed(entries[stoppedAt]!, run, classify(stopped, 'step', run.limits.cpuMsPerCandle), result);
      from = stoppedAt + 1;
    }
  }

  /** Equities, CPU shares and reports of rows `from` to `to` of a stepMany output. */
  #collect(
    tenant: Tenant,
    entries: number[],
    runs: Run[],
    out: Float64Array,
    from: number,
    to: number,
    usedMs: number,
    result: StepResult,
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
      else this.#failed(i, runs[row]!, fromIsolate(report.error), result);
    }
  }

  /** The slice used more CPU than its runs' budgets together: stop the run(s) that took the time. */
  #overBudget(
    entries: number[],
    runs: Run[],
    out: Float64Array,
    from: number,
    usedMs: number,
    budgetMs: number,
    result: StepResult,
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
      this.#failed(
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

  #failed(i: number, run: Run, error: TicklineError, result: StepResult): void {
    result.equity[i] = NaN;
    const at = result.reports.findIndex(([j]) => j === i);
    const report = fail(error.code, error.message);
    if (at >= 0) result.reports[at] = [i, report];
    else result.reports.push([i, report]);
    this.close(run.id);
  }

  /** See LiveSession.restore. */
  restore(runId: string, books: RestoredBooks): void {
    const run = this.#runs.get(runId);
    if (run === undefined)
      throw new TicklineError('SANDBOX_PROCESS_LOST', 'the run is not open in this process');
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

  fill(runId: string, args: [string, 'buy' | 'sell', number, number, number, number, string]): void {
    const run = this.#runs.get(runId);
    if (run === undefined || run.tenant.isolate.isDisposed) return;
    run.tenant.api.fill.applySync(undefined, [run.handle, ...args], { timeout: onGrid(MAX_WALL_MS) });
  }

  done(runId: string, orderId: number): void {
    const run = this.#runs.get(runId);
    if (run === undefined || run.tenant.isolate.isDisposed) return;
    run.tenant.api.done.applySync(undefined, [run.handle, orderId], { timeout: onGrid(MAX_WALL_MS) });
  }

  /** Forgets a run; the tenant's isolate goes with its last run. */
  close(runId: string): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.delete(runId);
    const { tenant } = run;
    tenant.runs.delete(runId);
    if (!tenant.isolate.isDisposed) {
      try {
        tenant.api.close.applySync(undefined, [run.handle], { timeout: MAX_WALL_MS });
      } catch {
        // The isolate went while closing: nothing of the run is left either way.
      }
      run.module.release();
    }
    if (tenant.runs.size === 0) this.#dispose(tenant);
  }

  #dropIfBroken(tenant: Tenant): void {
    if (tenant.isolate.isDisposed || tenant.runs.size === 0) this.#dispose(tenant);
  }

  #dispose(tenant: Tenant): void {
    if (this.#tenants.get(tenant.id) === tenant) this.#tenants.delete(tenant.id);
    for (const id of tenant.runs) this.#runs.delete(id);
    tenant.runs.clear();
    if (!tenant.isolate.isDisposed) tenant.isolate.dispose();
  }
}
