/**
 * @module What crosses between the server and a live sandbox process (the payloads of open and
 * step, and their answers), the wall-clock backstop of a call into a tenant's isolate, and how a
 * failed call is coded for the user.
 */
import { TicklineError } from '@tickline/kernel';
import type { EngineSettings } from '../core/types.ts';
import type { LiveFeed } from '../live/live-engine.ts';
import type { LiveReport } from './isolate-live.ts';
import { VIOLATION } from './violation.ts';

/** Wall-clock backstop of a call as a multiple of its CPU budget (a loaded machine stretches wall time). */
const WALL_FACTOR = 5;
const MIN_WALL_MS = 1_000;
export const MAX_WALL_MS = 10_000;

/** The wall backstop of a call whose CPU budget is `ms`. */
export const clampWall = (ms: number) =>
  Math.min(MAX_WALL_MS, Math.max(MIN_WALL_MS, Math.ceil(ms * WALL_FACTOR)));

/**
 * The longest backstop of a run's step after starved cuts ({@link scaledWall}): under the process's
 * stall check (30 s of silence), which would otherwise replace the process under every run in it.
 */
const MAX_SCALED_WALL_MS = 20_000;

/**
 * The wall backstop of a call whose CPU budget is `ms`, `scale` times as long (a run reopened after
 * starved cuts: starved-cuts.ts) up to {@link MAX_SCALED_WALL_MS}.
 */
export const scaledWall = (ms: number, scale: number) =>
  scale === 1 ? clampWall(ms) : Math.min(MAX_SCALED_WALL_MS, clampWall(ms) * scale);

/**
 * Wall backstop of loading a module and opening a run, as a multiple of its CPU budget: near it,
 * not {@link WALL_FACTOR} times it. A load holds its process (its other tenants' steps wait), and a
 * spinning `init` held one for 10 s per enable; an honest load takes milliseconds.
 */
const SETUP_WALL_FACTOR = 1.5;

/** The wall backstop of a run's setup whose CPU budget is `ms`. */
export const setupWall = (ms: number) =>
  Math.min(MAX_WALL_MS, Math.max(MIN_WALL_MS, Math.ceil(ms * SETUP_WALL_FACTOR)));

/** What a call into a tenant's isolate spent: its thread's CPU and its wall time, ms. */
export interface CallSpent {
  usedMs: number;
  wallMs: number;
}

/** Milliseconds to a tenth, as figures are logged and shown. */
export const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * A call its wall backstop cut (`error`: isolated-vm's "timed out") while its thread used less CPU
 * than the call's budget: the thread did not get a core for most of the wall time (a loaded
 * machine, a process stopped by SIGSTOP, pages swapped out) — the machine's doing, not the
 * tenant's, so it is neither a strike nor a pause. The CPU is the kernel's count for the thread
 * (threadCpuMicros, read by the host around the call: the account `/proc/<pid>/task/<tid>/stat`
 * shows in 10 ms ticks). The run is closed in the process either way (cut mid-call, its engine is
 * in an unknown state); SANDBOX_PROCESS_LOST is a platform failure: the runner reopens a stepped
 * run from its last decided candle, and retries a reopen whose warm-up was cut (1, 4, 15 s). A loop that keeps running away on a machine too starved to
 * show it costs nobody CPU meanwhile; the process's stall check (30 s of silence) stays the last
 * resort for a thread that never comes back. Undefined when the cut is not that (another error,
 * or CPU at or over the budget: a runaway, as before).
 */
export function starvedCut(
  error: unknown,
  budgetMs: number,
  spent: CallSpent,
  what: 'step' | 'warm-up',
): TicklineError | undefined {
  if (error instanceof TicklineError || spent.usedMs >= budgetMs) return undefined;
  if (!/timed out/i.test(error instanceof Error ? error.message : String(error))) return undefined;
  const usedMs = round1(spent.usedMs);
  const wallMs = Math.round(spent.wallMs);
  const then =
    what === 'step'
      ? 'the run reopens from its last decided candle'
      : 'enable it again (a reopen tries again by itself)';
  return new TicklineError(
    'SANDBOX_PROCESS_LOST',
    `the ${what} was cut after ${wallMs} ms of wall time with only ${usedMs} ms of CPU ` +
      `(limit ${budgetMs} ms): the machine was busy, not the strategy; ${then}`,
    { details: { backstop: 'starved', wallMs, usedMs, budgetMs } },
  );
}

/** Width of the grid the backstops of a process's calls end on (see {@link onGrid}). */
export const WALL_GRID_MS = 250;

/**
 * A backstop of at least `ms` that ends on a shared grid. isolated-vm's watchdog thread sleeps
 * until the earliest deadline it holds and wakes for each (finished calls' timers included): a
 * candle close's hundreds of calls, each ending `ms` after its own start, woke it hundreds of times
 * (a fifth of a live process's CPU in a profile); ending on a few shared deadlines, a few times.
 * `now` is the caller's clock reading (performance.now()), given by tests.
 */
export function onGrid(ms: number, now: number = performance.now()): number {
  return Math.ceil((now + ms) / WALL_GRID_MS) * WALL_GRID_MS - Math.floor(now);
}

/** Limits of one live run (its owner's tier). */
export interface LiveRunLimits {
  cpuMsPerCandle: number;
  /** CPU time to load the module and open the run. */
  setupCpuMs: number;
  /** CPU time of the whole warm-up. */
  warmupCpuMs: number;
}

/** What opening a run takes. */
export interface OpenRunPayload {
  runId: string;
  tenant: string;
  /** Heap limit of the tenant's isolate (MiB), used when it is created. */
  tenantMemoryMb: number;
  code: string;
  feeds: LiveFeed[];
  settings: EngineSettings;
  params: Record<string, unknown>;
  capacity: number;
  limits: LiveRunLimits;
  /**
   * Resumed after a pause for CPU: on probation from its first step, one overrun pauses it again
   * (cpu-strikes.ts). The runner says so: this process may not be the one that paused it.
   */
  cpuProbation?: boolean;
  /**
   * Reopened after starved cuts in a row (starved-cuts.ts): its next step's wall backstop is this
   * many times as long. The server says so: it judged the cuts, across the run's sessions.
   */
  wallScale?: number;
}

export interface OpenRunResult {
  equity: number;
  cpuMs: number;
  logs: Array<{ time: number; text: string }>;
}

/** An opened run: its handle in the process (what a step message names it by) and its start. */
export interface OpenedRun extends OpenRunResult {
  handle: number;
}

/**
 * A step of many runs on one candle close (step-rows.ts): STEP_REF numbers per entry — the run's
 * handle, its feed, the index of its candle in `candles` — and STEP_CANDLE numbers per distinct
 * candle. The server orders the entries by tenant, so each tenant's runs are one call into its
 * isolate, and the process decides them in this order.
 */
export interface StepPayload {
  rows: Float64Array;
  candles: Float64Array;
}

/**
 * Entries `from` to `to` (exclusive) of a step, decided: sent ahead of the answer while the process
 * steps the rest, and as the answer itself (the last part). `cpuMs[k]` is entry `from + k`'s CPU;
 * `reports` are by entry index, for the entries that placed, cancelled or logged something or
 * failed. An entry without a report placed nothing (its equity is not sent).
 */
export interface StepPart {
  from: number;
  to: number;
  cpuMs: Float64Array;
  reports: Array<[number, LiveReport]>;
}

/** V8's message for `import()` in a realm without a module loader (isolated-vm sets none). */
const DYNAMIC_IMPORT = 'Not supported';

/**
 * What isolated-vm raises once a call into an isolate has returned: the first promise the
 * strategy rejected and left unhandled — always so for `import()`, which V8 rejects at once in a
 * realm without a module loader. The strategy's own doing, coded as its error.
 */
export function unhandledRejection(error: unknown): TicklineError {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
  if (message === DYNAMIC_IMPORT)
    return new TicklineError('STRATEGY_FORBIDDEN_API', 'import() is not available to strategies', {
      details: { api: 'import()' },
    });
  return new TicklineError('STRATEGY_RUNTIME_ERROR', `a promise was rejected and not handled: ${message}`);
}

export /** A failure of a call into a tenant's isolate, as a coded error. */
function classify(error: unknown, phase: 'setup' | 'evaluate' | 'step', limitMs: number): TicklineError {
  if (error instanceof TicklineError) return error;
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
  if (/memory limit/i.test(message) || /disposed/i.test(message))
    return new TicklineError('STRATEGY_MEMORY_LIMIT', 'the strategy used more memory than its tier allows');
  if (/timed out/i.test(message))
    return new TicklineError(
      'STRATEGY_CPU_LIMIT',
      phase === 'step'
        ? `onCandle ran past its limit of ${limitMs} ms per candle`
        : 'the strategy took too long to load',
      { details: { cpuMs: limitMs } },
    );
  if (/call stack/i.test(message)) return new TicklineError('STRATEGY_STACK_OVERFLOW', message);
  // Raised after the call returned, whichever call: see unhandledRejection.
  if (message === DYNAMIC_IMPORT) return unhandledRejection(error);
  if (phase === 'evaluate') {
    if (/not available to strategies/.test(message) || /import/i.test(message))
      return new TicklineError('STRATEGY_FORBIDDEN_API', message, { details: { api: 'import' } });
    if (VIOLATION.test(message)) return new TicklineError('STRATEGY_SANDBOX_VIOLATION', message);
    return new TicklineError('STRATEGY_RUNTIME_ERROR', message);
  }
  return new TicklineError('STRATEGY_SANDBOX_FAILED', message);
}
