/**
 * @module One tenant of a live sandbox process — an owner's isolate, its hardened context and the
 * live engine's entry points taken before any user code ran — and the runs opened in it. A module
 * of its own because the tenants' registry (live-tenants.ts), the warm-up (tenant-warm.ts), the
 * stepping (tenant-step.ts) and the memory watch (tenant-memory.ts) all work on these records.
 */
import ivm from 'isolated-vm';
import { type EngineEntries, loadEngine, type EntryRef } from './engine-entries.ts';
import { type LiveNoteRow, type LiveReport, STEP_ROW, STEP_SLICE } from './isolate-live.ts';
import type { LiveRunLimits } from './live-wire.ts';

/** The live engine's entry points in a tenant's isolate (isolate-live.ts). */
export const LIVE_API = [
  'open',
  'share',
  'stepMany',
  'book',
  'stepping',
  'walls',
  'takeReports',
  'warm',
  'restore',
  'close',
] as const;

type Api = Record<(typeof LIVE_API)[number], EntryRef>;

export const MIB = 1024 * 1024;

/** An owner's isolate and the runs in it. */
export interface Tenant {
  id: string;
  isolate: ivm.Isolate;
  context: ivm.Context;
  api: Api;
  /** The module loader's entry points (module-load.ts). */
  entries: Pick<EngineEntries, 'load' | 'loaded'>;
  runs: Set<string>;
  /**
   * The rows of a step, {@link STEP_SLICE} of them at most: written here, read by the isolate
   * through the same memory (a SharedArrayBuffer only the engine holds there).
   */
  rows: Float64Array;
  /** Fills and finished orders of its runs not yet booked: they go with its next call. */
  notes: LiveNoteRow[];
  /** Resident memory the process gained during this tenant's calls (while it was measured). */
  grownBytes: number;
  /** What it may gain: its heap limit again, for what lives outside the heap. */
  allowedBytes: number;
  /**
   * Its runs are stepped one call each from now on: a call of several of its runs ended with
   * something raised after the call returned (tenant-step.ts), which no run can be named for.
   */
  stepApart: boolean;
  /**
   * Its runs are stepped one call each for this many more calls: a call of several of them went
   * over their budgets together, and only a run measured on its own is judged (tenant-step.ts).
   */
  apartSteps: number;
}

/** A run: its module's definition and engine in its tenant's isolate, under its handle there. */
export interface TenantRun {
  id: string;
  tenant: Tenant;
  handle: number;
  limits: LiveRunLimits;
  /**
   * Not stepped yet: V8 compiles the engine's and the strategy's functions lazily, on their first
   * call, so the first step also pays for compiling them (50–62 ms of CPU at load 14, against a
   * free tier's 50 ms per candle, for a strategy whose steps then take well under 1 ms). That step
   * gets {@link FIRST_STEP_CPU_MS} instead. A warm-up does not count: it calls the isolate's warm-up
   * entry, and the live step's own functions are still compiled on the first live step.
   */
  fresh: boolean;
  /** Its next step's wall backstop is this many times as long (`OpenRunPayload.wallScale`); then 1. */
  wallScale: number;
}

/**
 * CPU budget of a run's first live step: four times the compile measured at load 14. Not the
 * setup budget (2 s): the process steps its accounts one after another, and a first step that
 * spins to a 2 s budget held every other account of the process ~10 s behind its wall backstop on
 * a loaded machine, again at every enable.
 */
export const FIRST_STEP_CPU_MS = 250;

/** The CPU budget of `run`'s next step (ms): see `fresh` for its first. */
export const stepBudgetMs = (run: TenantRun): number =>
  run.fresh
    ? Math.max(run.limits.cpuMsPerCandle, Math.min(run.limits.setupCpuMs, FIRST_STEP_CPU_MS))
    : run.limits.cpuMsPerCandle;

/**
 * Books the tenant's pending notes before a call that reads its runs' books without stepping them
 * (a warm-up, a restore); a step takes them itself.
 */
export function bookNotes(tenant: Tenant, timeout: number): void {
  if (tenant.notes.length === 0) return;
  const notes = JSON.stringify(tenant.notes);
  tenant.notes = [];
  tenant.api.book.applySync(undefined, [notes], { timeout });
}

/** A failed report, as the isolate would give it (`details`: the figures the server logs). */
export const fail = (code: string, message: string, details?: Record<string, unknown>): LiveReport => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** A new tenant `id`: its isolate with a `memoryMb` heap, its context, the live entry points. */
export async function createTenant(id: string, memoryMb: number): Promise<Tenant> {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  try {
    const context = await isolate.createContext();
    // The entry points are taken before any user code runs; the realm is locked then (each load
    // and each run gets its own seed).
    const engine = await loadEngine(isolate, context, 1, 10_000, LIVE_API);
    const rows = new Float64Array(
      new SharedArrayBuffer(STEP_SLICE * STEP_ROW * Float64Array.BYTES_PER_ELEMENT),
    );
    engine.live.share.applySync(undefined, [new ivm.ExternalCopy(rows.buffer).copyInto({ release: true })], {
      timeout: 10_000,
    });
    return {
      id,
      isolate,
      context,
      api: engine.live,
      entries: engine,
      runs: new Set(),
      rows,
      notes: [],
      grownBytes: 0,
      allowedBytes: memoryMb * MIB,
      stepApart: false,
      apartSteps: 0,
    };
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose();
    throw error;
  }
}
