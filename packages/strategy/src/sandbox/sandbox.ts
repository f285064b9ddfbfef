/**
 * @module Runs strategies in isolated-vm isolates. One isolate per {@link StrategySandbox}
 * (a worker thread keeps one for its runs), a fresh context per run. The whole bar loop runs in
 * the isolate: the feeds go in once as typed-array columns (shared memory is read in place,
 * other columns are copied once) and the result is copied out once. Memory is capped by the
 * isolate's heap limit, CPU by a watchdog on the process's CPU time (plus a wall-clock backstop),
 * and everything else by the hardened realm (isolate-entry.ts).
 */
import ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import type { ParamSpecs } from '../core/definition.ts';
import { DEFAULT_PARAM_LIMITS, type ParamLimits } from '../core/param-bounds.ts';
import type { EngineRunResult, PausedSpan } from '../core/engine.ts';
import type { EngineSettings, Feed } from '../core/types.ts';
import { loadEngine, type EngineEntries } from './engine-entries.ts';
import { loadFromFactory, moduleFactory } from './module-load.ts';
import { boundDetails, boundMessage, ISOLATE_CODES } from './error-bounds.ts';
import { VIOLATION } from './violation.ts';
import type { IsolateInput, IsolateOutput } from './isolate-entry.ts';
import { feedsForIsolate, heldBuffers, heldWindows, IN_PLACE, metaOf, type HeldFeeds } from './isolate-feeds.ts';
import { unpackTrades, type PackedTrades } from './packed-trades.ts';

/** Resource limits of one run (from the user's tier). */
export interface SandboxLimits {
  /** Isolate heap limit. @default 128 */
  memoryMb: number;
  /** CPU time a run may use, compile and bar loop together. @default 10000 */
  cpuMs: number;
  /**
   * Bytes the result may take as a sandbox process returns it, the equity curve aside (the tier's
   * `maxResultBytes`). @default DEFAULT_MAX_RESULT_BYTES (result-transfer.ts)
   */
  maxResultBytes?: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 128,
  cpuMs: 10_000,
});

/**
 * The process's CPU time (all threads) in microseconds. Not `isolate.cpuTime`: isolated-vm counts
 * the time its thread holds the isolate, descheduled or not, so at load 8 on two cores a compile
 * of 40,000 parameters read over its 2 s limit and was refused (`STRATEGY_CPU_LIMIT`). A
 * sandbox process answers one call at a time, so the process's account is the run's; what else
 * it holds (V8's collector threads working for the run) is the run's too.
 */
function processCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** How often the watchdog reads the process's CPU time. */
const WATCHDOG_INTERVAL_MS = 10;
/** Wall-clock backstop as a multiple of the CPU limit (a loaded machine stretches wall time). */
const WALL_FACTOR = 20;

export interface SandboxRunOptions {
  /** The strategy module as JavaScript (TypeScript already stripped; see compileStrategy). */
  code: string;
  feeds: readonly Feed[];
  settings: EngineSettings;
  params?: Record<string, unknown>;
  recordSignals?: boolean;
  /** Steps closing at or before this are a live run's warm-up (see `RunOptions.warmupUntil`). */
  warmupUntil?: number;
  /** Spans a live run was paused in (see `RunOptions.paused`). */
  paused?: ReadonlyArray<PausedSpan>;
  /** Called from the isolate about every `progressEvery` steps; never blocks the run. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  signal?: AbortSignal;
  /**
   * Points of the equity curve to return, cut in the isolate (every n-th and the last; the metrics
   * use every step). @default every step (research needs them; the backtest queue keeps 2,000)
   */
  equityPoints?: number;
  /**
   * Statistics of the per-bar returns over every step, made in the isolate (`returnStats` of the
   * result): a research trial then needs no more of its equity curve than its last points.
   */
  returnStats?: { blocks: number };
  /**
   * False: the run's trades stay in the isolate (its metrics count them all the same). A research
   * trial is scored by its metrics: a 200k-bar trial's 1,600 trades are 144 KB that would cross to
   * the host, by file, only to be dropped. @default true
   */
  keepTrades?: boolean;
}

/** What differs between the trials of one batch ({@link StrategySandbox.runPackedTrials}). */
export type TrialVariant = Pick<
  SandboxRunOptions,
  'feeds' | 'settings' | 'params' | 'warmupUntil' | 'equityPoints' | 'returnStats' | 'keepTrades'
>;

/** A run's result with its trades still as columns (packed-trades.ts): how it crosses processes. */
export type PackedRunResult = Omit<EngineRunResult, 'trades'> & { trades: PackedTrades };


/**
 * A coded error from the isolate's `{ code, message, details }`. The isolate runs the strategy's
 * code, so nothing of it is trusted: the code must be one a strategy may cause, and the message
 * and details are bounded again here.
 */
export function fromIsolate(error: {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}): TicklineError {
  const code = ISOLATE_CODES.has(error.code) ? error.code : 'STRATEGY_RUNTIME_ERROR';
  return new TicklineError(code, boundMessage(String(error.message)), {
    details: boundDetails(error.details),
  });
}

/**
 * True when `stack` has frames above isolated-vm's boundary marker: the error was made by code in
 * the isolate, not by isolated-vm on the host. (Not by file name: a module's `//# sourceURL=`
 * comment renames its frames; stripped TypeScript names them `strategy.ts`.)
 */
function madeInIsolate(stack: string): boolean {
  const boundary = stack.indexOf('(<isolated-vm boundary>)');
  return boundary > 0 && /\n\s+at .*\n\s+at $/.test(stack.slice(0, boundary));
}

/** V8's message for `import()` in a realm that has no module loader (isolated-vm sets none). */
const DYNAMIC_IMPORT = 'Not supported';

function dynamicImport(cause: unknown): TicklineError {
  return new TicklineError('STRATEGY_FORBIDDEN_API', 'import() is not available to strategies', {
    cause,
    details: { api: 'import()' },
  });
}

/** An isolate with the engine loaded, as {@link StrategySandbox} hands it to a run. */
interface EngineSession {
  engine: EngineEntries;
  /** Wall bound of each call into the isolate (ms). */
  timeout: number;
  /** The module as a function in the session's context (no user code run yet); the caller releases it. */
  factory(code: string): Promise<ivm.Reference>;
  /** Runs the module's top level afresh from its factory; the caller releases the definition. */
  load(factory: ivm.Reference, seed: number): Promise<ivm.Reference>;
  /** Starts the CPU budget again from now: each trial of a batch has the whole limit. */
  renewBudget(): void;
  /** Copies `value` into the session's context once and keeps it there, by reference. */
  hold(value: unknown): Promise<ivm.Reference>;
}


export { compileBundle } from './engine-entries.ts';
export { MODULE_FILENAME, syntaxError } from './module-load.ts';

/**
 * Runs strategies one after another, each in a new isolate: nothing of one run (heap, frozen
 * realm, compiled code and its type feedback) reaches the next. In one bench:backtest run the
 * first run in a fresh isolate took 516 ms and later runs in new contexts of the same isolate
 * 916–994 ms; a new isolate costs a few milliseconds with V8's code cache for the engine script.
 */
export class StrategySandbox {
  readonly limits: SandboxLimits;
  #busy = false;
  #disposed = false;

  constructor(limits: Partial<SandboxLimits> = {}) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  }

  /** False once disposed. */
  get usable(): boolean {
    return !this.#disposed;
  }

  dispose(): void {
    this.#disposed = true;
  }

  /** Runs one backtest; throws a TicklineError with a STRATEGY_* code on any failure. */
  async run(options: SandboxRunOptions): Promise<EngineRunResult> {
    const packed = await this.runPacked(options);
    return { ...packed, trades: unpackTrades(packed.trades) };
  }

  /** {@link run}, its trades left as columns (a sandbox process sends them on as they are). */
  async runPacked(options: SandboxRunOptions): Promise<PackedRunResult> {
    return this.#withModule(options.code, options.settings.seed, options.signal, (engine, definition, timeout) =>
      this.#runLoaded(engine, definition, timeout, options),
    );
  }

  /**
   * Runs `trials` of one strategy one after another in one isolate: the engine is loaded and the
   * realm hardened once, and each trial loads the module afresh (its top level runs again, so
   * nothing a trial kept in module variables reaches the next; the realm is frozen, so nothing
   * else can hold it) with the whole CPU budget of a run to itself. Research trials differ only
   * in their window and parameters; a new isolate each cost ~7 ms of the ~55 ms a 200k-bar trial
   * takes. Results in the order of `trials`; the first failure rejects the batch.
   */
  async runPackedTrials(
    base: Omit<SandboxRunOptions, 'onProgress' | 'feeds'>,
    trials: readonly TrialVariant[],
  ): Promise<PackedRunResult[]> {
    const seed = trials[0]?.settings.seed ?? base.settings.seed;
    // Each trial's CPU as the process counts it (the batch's set-up goes to the first): what a
    // research job's budget adds up (research-queue.ts), as it does a single run's.
    let mark = processCpuMicros();
    return this.#withEngine(seed, base.signal, async (session) => {
      // The feeds go in once for the batch: copying the same shared memory into one isolate
      // trial after trial failed ("Unable to deserialize cloned data") once each trial's copy
      // counted against the isolate's memory until collected.
      const buffers = heldBuffers(trials.map((t) => t.feeds));
      const held =
        buffers === undefined
          ? undefined
          : {
              ref: await session.hold(new ivm.ExternalCopy(buffers).copyInto({ release: true })),
              index: new Map(buffers.map((b, i) => [b.buffer, i])),
            };
      const results: PackedRunResult[] = [];
      // Compiled once: each trial's load calls it afresh, and the strategy's functions, new
      // closures of the same code, keep what V8 learnt of them (a 20k-bar trial took 8 ms of
      // CPU with a compile per trial).
      const factory = await session.factory(base.code);
      try {
        for (const trial of trials) {
          const options = { ...base, ...trial };
          session.renewBudget();
          const definition = await session.load(factory, options.settings.seed);
          try {
            const result = await this.#runLoaded(session.engine, definition, session.timeout, options, held);
            const now = processCpuMicros();
            results.push({ ...result, cpuMs: (now - mark) / 1_000 });
            mark = now;
          } finally {
            definition.release();
          }
        }
      } finally {
        factory.release();
        held?.ref.release();
      }
      return results;
    });
  }

  /** One run of a loaded module: the bar loop in the isolate, its result checked here. */
  async #runLoaded(
    engine: EngineEntries,
    definition: ivm.Reference,
    timeout: number,
    options: SandboxRunOptions,
    held?: HeldFeeds,
  ): Promise<PackedRunResult> {
    const feeds =
      held === undefined
        ? feedsForIsolate(options.feeds, IN_PLACE)
        : { feeds: metaOf(options.feeds), columns: null, shared: null, held: heldWindows(options.feeds, held) };
    const input: IsolateInput = {
      ...feeds,
      settings: options.settings,
      params: options.params ?? {},
      recordSignals: options.recordSignals === true,
      ...(options.warmupUntil === undefined ? {} : { warmupUntil: options.warmupUntil }),
      ...(options.paused === undefined ? {} : { paused: options.paused }),
      progressEvery: options.progressEvery ?? 65_536,
      equityPoints: options.equityPoints ?? 0,
      returnBlocks: options.returnStats?.blocks ?? null,
      ...(options.keepTrades === false ? { keepTrades: false } : {}),
    };
    const progress =
      options.onProgress === undefined
        ? undefined
        : new ivm.Callback(options.onProgress, { ignored: true });
    // The bar loop's own CPU (not the isolate's setup nor the module's load): what a live step of
    // this strategy costs per candle, the forecast checked against the tier's live budget at
    // enable (cpu-forecast.ts). The process answers one call at a time, so its CPU is the run's.
    const loopStart = processCpuMicros();
    const output = (await engine.run.apply(
      undefined,
      // The packed buffer is ours: transferred in, not copied again.
      [
        definition.derefInto(),
        new ivm.ExternalCopy(input, {
          transferList: input.columns === null ? [] : [input.columns.buffer],
        }).copyInto({
          release: true,
          transferIn: true,
        }),
        progress,
        ...(held === undefined ? [] : [held.ref.derefInto()]),
      ],
      { result: { copy: true }, timeout },
    )) as IsolateOutput;
    // Not the user's fault, and not for the user to read: a plain error is a platform fault.
    if (typeof output !== 'object' || output === null || typeof output.ok !== 'boolean')
      throw new Error('the isolate returned a malformed result');
    if (!output.ok) throw fromIsolate(output.error);
    const loopMs = (processCpuMicros() - loopStart) / 1_000;
    const bars = output.result.bars;
    return {
      ...output.result,
      trades: output.trades,
      ...(bars > 0 ? { cpuMsPerCandle: loopMs / bars } : {}),
    };
  }

  /** Loads the module and checks its default export (its declarations within `limits`); returns the declarations. */
  async inspect(code: string, limits: ParamLimits = DEFAULT_PARAM_LIMITS): Promise<ParamSpecs> {
    return this.#withModule(code, 1, undefined, async (engine, definition, timeout) => {
      const bounds = new ivm.ExternalCopy({ ...limits }).copyInto({ release: true });
      const output = (await engine.inspect.apply(undefined, [definition.derefInto(), bounds], {
        result: { copy: true },
        timeout,
      })) as { ok: true; params: ParamSpecs } | { ok: false; error: { code: string; message: string } };
      if (!output.ok) throw fromIsolate(output.error);
      return output.params;
    });
  }

  async #withModule<T>(
    code: string,
    seed: number,
    signal: AbortSignal | undefined,
    body: (engine: EngineEntries, definition: ivm.Reference, timeout: number) => Promise<T>,
  ): Promise<T> {
    return this.#withEngine(seed, signal, async (session) => {
      const factory = await session.factory(code);
      let definition: ivm.Reference;
      try {
        definition = await session.load(factory, seed);
      } finally {
        factory.release();
      }
      try {
        return await body(session.engine, definition, session.timeout);
      } finally {
        definition.release();
      }
    });
  }

  /** A fresh isolate with the engine loaded and the realm hardened, for `body`'s module loads and runs. */
  async #withEngine<T>(
    seed: number,
    signal: AbortSignal | undefined,
    body: (session: EngineSession) => Promise<T>,
  ): Promise<T> {
    if (this.#busy) throw new Error('a sandbox runs one strategy at a time');
    if (!this.usable) throw new Error('this sandbox was disposed');
    this.#busy = true;
    const isolate = new ivm.Isolate({ memoryLimit: this.limits.memoryMb });
    let cpuStart = processCpuMicros();
    const cpuLimitMicros = this.limits.cpuMs * 1_000;
    let stoppedFor: 'cpu' | 'abort' | undefined;
    const stop = (why: 'cpu' | 'abort'): void => {
      stoppedFor ??= why;
      if (!isolate.isDisposed) isolate.dispose();
    };
    const watchdog = setInterval(() => {
      if (!isolate.isDisposed && processCpuMicros() - cpuStart > cpuLimitMicros) stop('cpu');
    }, WATCHDOG_INTERVAL_MS);
    const onAbort = (): void => stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = this.limits.cpuMs * WALL_FACTOR;
    let context: ivm.Context | undefined;
    let engine: EngineEntries | undefined;
    let phase: 'setup' | 'evaluate' | 'run' = 'setup';
    try {
      context = await isolate.createContext();
      const loadedEngine = await loadEngine(isolate, context, seed, timeout);
      engine = loadedEngine;
      const realm = context;
      return await body({
        engine: loadedEngine,
        timeout,
        renewBudget: () => (cpuStart = processCpuMicros()),
        hold: (value) =>
          realm.evalClosure('return $0', [value], { result: { reference: true }, timeout }),
        factory: (code) => {
          phase = 'evaluate';
          return moduleFactory(isolate, realm, code, { mode: 'async', timeout: () => timeout });
        },
        load: async (factory, moduleSeed) => {
          phase = 'evaluate';
          // The module's top level runs in the isolate's loader: what it throws is answered there.
          const definition = await loadFromFactory(loadedEngine, factory, {
            seed: moduleSeed,
            mode: 'async',
            timeout: () => timeout,
            refused: fromIsolate,
          });
          phase = 'run';
          return definition;
        },
      });
    } catch (error) {
      throw this.#classify(error, stoppedFor, phase);
    } finally {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
      engine?.release();
      if (!isolate.isDisposed) {
        context?.release();
        isolate.dispose();
      }
      this.#busy = false;
    }
  }

  #classify(
    error: unknown,
    stoppedFor: 'cpu' | 'abort' | undefined,
    phase: 'setup' | 'evaluate' | 'run',
  ): Error {
    if (stoppedFor === 'abort')
      return new TicklineError('STRATEGY_RUN_CANCELLED', 'the run was cancelled', { cause: error });
    if (stoppedFor === 'cpu') {
      return new TicklineError(
        'STRATEGY_CPU_LIMIT',
        `the run used more than ${this.limits.cpuMs} ms of CPU time`,
        {
          cause: error,
          details: { cpuMs: this.limits.cpuMs },
        },
      );
    }
    if (error instanceof TicklineError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (/memory limit/i.test(message)) {
      return new TicklineError('STRATEGY_MEMORY_LIMIT', `the run used more than ${this.limits.memoryMb} MB`, {
        cause: error,
        details: { memoryMb: this.limits.memoryMb },
      });
    }
    if (/timed out/i.test(message)) {
      return new TicklineError('STRATEGY_CPU_LIMIT', 'the run took too long', {
        cause: error,
        details: { cpuMs: this.limits.cpuMs },
      });
    }
    if (/call stack/i.test(message))
      return new TicklineError('STRATEGY_STACK_OVERFLOW', boundMessage(message), { cause: error });
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
    // The module's top level ran user code: its errors are the strategy's, classified as in the
    // isolate. During the run, an error the isolate did not answer with itself, made in the
    // isolate, is the rejection of a promise the strategy made and left unhandled (an async
    // function, `import()`), which isolated-vm raises once the call returns. (One whose stack the
    // strategy rewrote looks made on the host: a fault, which counts as a strike against it.)
    if (phase === 'evaluate' || (phase === 'run' && madeInIsolate(stack))) {
      if (message === DYNAMIC_IMPORT) return dynamicImport(error);
      if (/not available to strategies/.test(message))
        return new TicklineError('STRATEGY_FORBIDDEN_API', boundMessage(message), { cause: error });
      if (VIOLATION.test(message))
        return new TicklineError('STRATEGY_SANDBOX_VIOLATION', boundMessage(message), { cause: error });
      return new TicklineError('STRATEGY_RUNTIME_ERROR', boundMessage(message), { cause: error });
    }
    // Anything else is the platform's fault: a plain error, which the sandbox process logs in full
    // and answers with a fixed text (it never reaches the user as it is).
    return error instanceof Error ? error : new Error(message);
  }
}

/**
 * Runs one backtest somewhere: {@link runInSandbox} in this process (tests, the sandbox process
 * itself) or a sandbox process of the server's pool (StrategyProcesses#run). `tenant` is whose code
 * it is, for the pool's strikes.
 */
export type BacktestRunner = (
  options: SandboxRunOptions,
  limits?: Partial<SandboxLimits>,
  tenant?: string,
) => Promise<EngineRunResult>;

/** Runs once in a fresh isolate and disposes it. */
export async function runInSandbox(
  options: SandboxRunOptions,
  limits?: Partial<SandboxLimits>,
): Promise<EngineRunResult> {
  const packed = await runPackedInSandbox(options, limits);
  return { ...packed, trades: unpackTrades(packed.trades) };
}

/** {@link runInSandbox}, its trades left as columns. */
export async function runPackedInSandbox(
  options: SandboxRunOptions,
  limits?: Partial<SandboxLimits>,
): Promise<PackedRunResult> {
  const sandbox = new StrategySandbox(limits);
  try {
    return await sandbox.runPacked(options);
  } finally {
    sandbox.dispose();
  }
}
