/**
 * @module Where the server sends strategy code: two pools of sandbox processes (see
 * `@tickline/sandbox`), one for backtests and research trials and one for compiles, so a queue of
 * long backtests never holds up a save. The server process itself never strips a user's
 * TypeScript nor loads a user's module; it sends the work here and reads back a result or a coded
 * error.
 *
 * Limits come in two layers. Inside the process the isolate keeps its heap limit and CPU watchdog
 * (precise errors for ordinary overruns). Outside, the supervisor bounds the whole process —
 * which is what holds when the isolate's own limits do not: a host-side conversion that never
 * returns, memory outside the V8 heap (Intl objects), a crash.
 */
import { availableParallelism } from 'node:os';
import type { Logger, Registry, Service, ServiceContext, ServiceHealth } from '@tickline/kernel';
import { ServiceStatus } from '@tickline/kernel';
import {
  createProcessPool,
  DEFAULT_STRIKES,
  StrikeBook,
  type CallData,
  type CallLimits,
  type ProcessPool,
} from '@tickline/sandbox';
import type { EngineRunResult } from '../core/engine.ts';
import { checkSourceSize, type CompiledStrategy, type CompileOptions } from '../api/compile-strategy.ts';
import { CompileGate, type CompileGateLimits } from './compile-gate.ts';
import { toldSetupFailure } from './engine-entries.ts';
import type { BacktestPayload, CompilePayload, TrialsPayload } from './process-entry.ts';
import { sendFeeds } from './feed-transfer.ts';
import { DEFAULT_MAX_RESULT_BYTES, receiveResult, type ResultRef } from './result-transfer.ts';
import {
  DEFAULT_SANDBOX_LIMITS,
  type SandboxLimits,
  type SandboxRunOptions,
  type TrialVariant,
} from './sandbox.ts';

const ENTRY = new URL('./process-entry.ts', import.meta.url);

/** Limits for loading a module at save time (no bars run): as compile-strategy's own. */
const COMPILE_LIMITS: SandboxLimits = { memoryMb: 32, cpuMs: 2_000 };

/**
 * The process's bounds from the isolate's: room above the heap for what lives outside it (compiled
 * code, ICU data) and for the work around the run (bundle, context, copies). The feeds the process
 * holds are counted apart, by the pool, at their size (data-cache.ts in `@tickline/sandbox`).
 * A wall deadline as the isolate's backstop has it: twenty times the CPU budget, since a loaded
 * machine stretches wall time, never CPU time.
 */
export function processLimits(limits: SandboxLimits): CallLimits {
  return {
    cpuMs: Math.ceil(limits.cpuMs * 1.5) + 2_000,
    memoryMb: limits.memoryMb * 2 + 128,
    wallMs: limits.cpuMs * 20 + 10_000,
  };
}

/** Feeds a backtest process keeps: three 1M-bar feeds (56 MB each). */
export const DEFAULT_FEED_CACHE_MB = 192;

/** Accounts kept in quarantine at most (the oldest leaves first). */
const MAX_QUARANTINED = 10_000;

/**
 * Codes of the strategy domain for the kills users see most and for a fault of the sandbox itself
 * (shown as a fixed text, logged in full); the rest keep SANDBOX_*.
 */
const CODES = {
  cpu: 'STRATEGY_CPU_LIMIT',
  memory: 'STRATEGY_MEMORY_LIMIT',
  cancelled: 'STRATEGY_RUN_CANCELLED',
  fault: 'STRATEGY_SANDBOX_FAILED',
} as const;

/** Answers that count as strikes where the CPU refusal is the caller's doing (compiles, replays). */
const CPU_STRIKE: readonly string[] = [CODES.cpu];

export interface StrategyProcessesOptions {
  /** Backtest processes. @default os.availableParallelism() */
  backtestProcesses?: number;
  /** Compile processes. @default 1 */
  compileProcesses?: number;
  /**
   * Candle feeds each backtest process keeps between runs (strategy.feedCacheMb), counted in its
   * memory allowance. @default DEFAULT_FEED_CACHE_MB
   */
  feedCacheMb?: number;
  /** Compiles per account and in all, running or waiting (strategy.compile). @default DEFAULT_COMPILE_GATE */
  compileGate?: Partial<CompileGateLimits>;
  logger?: Logger;
  metrics?: Registry;
  /** The processes' main module (tests: one that wraps process-entry.ts). @default process-entry.ts */
  entry?: URL;
}

/** Runs and compiles strategy code in sandbox processes; a Service (started and stopped with the host). */
export class StrategyProcesses implements Service {
  readonly name = 'strategy-sandbox';
  readonly #options: StrategyProcessesOptions;
  #backtests: ProcessPool | undefined;
  #compiles: ProcessPool | undefined;
  /** One process for accounts whose code got a shared process killed: their runs go there. */
  #quarantine: ProcessPool | undefined;
  readonly #quarantined = new Set<string>();
  readonly #strikes = new StrikeBook(DEFAULT_STRIKES);
  readonly #gate: CompileGate;

  constructor(options: StrategyProcessesOptions = {}) {
    this.#options = options;
    this.#gate = new CompileGate(options.compileGate, options.compileProcesses ?? 1);
  }

  async start(_context?: ServiceContext): Promise<void> {
    const common = {
      entry: this.#options.entry ?? ENTRY,
      codes: CODES,
      strikeBook: this.#strikes,
      onStrike: (tenant: string) => this.#quarantine_(tenant),
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
      ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
    };
    this.#backtests = createProcessPool({
      ...common,
      name: 'backtest',
      size: this.#options.backtestProcesses ?? availableParallelism(),
      dataCacheBytes: (this.#options.feedCacheMb ?? DEFAULT_FEED_CACHE_MB) * 1024 * 1024,
    });
    this.#compiles = createProcessPool({
      ...common,
      name: 'compile',
      size: this.#options.compileProcesses ?? 1,
    });
  }

  /**
   * Moves a tenant whose code got a process killed to a process of its own (started on first
   * need), so whatever it tries next cannot take a shared one down; strikes refuse it after that.
   */
  #quarantine_(tenant: string): void {
    if (this.#quarantined.size >= MAX_QUARANTINED)
      this.#quarantined.delete(this.#quarantined.values().next().value!);
    this.#quarantined.add(tenant);
    this.#quarantine ??= createProcessPool({
      entry: this.#options.entry ?? ENTRY,
      codes: CODES,
      strikeBook: this.#strikes,
      name: 'quarantine',
      size: 1,
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
      ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
    });
  }

  /**
   * Resolves when every process of both pools is ready (tests; the server does not wait); rejects
   * SANDBOX_UNAVAILABLE when a pool's processes all failed to start (health() reports it then).
   */
  async ready(): Promise<void> {
    await Promise.all([this.#backtests?.ready(), this.#compiles?.ready()]);
  }

  /** One backtest (or research trial) in a process of the backtest pool. */
  async run(
    options: SandboxRunOptions,
    limits: Partial<SandboxLimits> = {},
    tenant?: string,
  ): Promise<EngineRunResult> {
    return this.#run(options, limits, tenant, []);
  }

  /**
   * A replay of a version for a caller waiting on it (a live run's parity report), as {@link run},
   * except that stopping at its CPU limit is a strike: a caller can ask for a replay again and
   * again, and each one that loops to its limit holds a shared process for its whole budget.
   */
  async replay(
    options: SandboxRunOptions,
    limits: Partial<SandboxLimits> = {},
    tenant?: string,
  ): Promise<EngineRunResult> {
    return this.#run(options, limits, tenant, CPU_STRIKE);
  }

  /**
   * Research trials of one strategy as one call to one process (see StrategySandbox.runPackedTrials):
   * one isolate for the batch, each trial with the whole of `limits` to itself inside it; the
   * process is bounded by the sum of its trials' bounds. Results in the order of `trials`.
   */
  async runTrials(
    base: Omit<SandboxRunOptions, 'onProgress' | 'feeds'>,
    trials: readonly TrialVariant[],
    limits: Partial<SandboxLimits> = {},
    tenant?: string,
  ): Promise<EngineRunResult[]> {
    if (trials.length === 0) return [];
    const { signal, ...rest } = base;
    const resolved = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
    const pool =
      tenant !== undefined && this.#quarantined.has(tenant) && this.#quarantine
        ? this.#quarantine
        : this.#pool(this.#backtests);
    const data = new Map<string, CallData>();
    const sent: TrialsPayload['trials'] = [];
    for (const trial of trials) {
      const feeds = await sendFeeds(trial.feeds);
      for (const d of feeds.data) data.set(d.key, d);
      sent.push({ ...trial, feeds: feeds.refs });
    }
    const payload: TrialsPayload = { base: { ...rest, limits: resolved }, trials: sent };
    const answers = await this.#told(
      pool.call<ResultRef[]>('trials', payload, {
        // One isolate's memory; the CPU and wall time of all its trials.
        limits: processLimits({ ...resolved, cpuMs: resolved.cpuMs * trials.length }),
        data: [...data.values()],
        strikeCodes: [],
        ...(tenant === undefined ? {} : { tenant }),
        ...(signal === undefined ? {} : { signal }),
      }),
    );
    if (!Array.isArray(answers) || answers.length !== trials.length)
      throw new Error('the sandbox process answered a batch with the wrong number of results');
    return Promise.all(
      answers.map((answer, i) =>
        receiveResult(answer, {
          maxResultBytes: resolved.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
          maxEquityPoints: trials[i]!.feeds.reduce((n, f) => n + f.columns.closeTime.length, 0),
        }),
      ),
    );
  }

  async #run(
    options: SandboxRunOptions,
    limits: Partial<SandboxLimits>,
    tenant: string | undefined,
    strikeCodes: readonly string[],
  ): Promise<EngineRunResult> {
    const { onProgress, signal, ...rest } = options;
    const resolved = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
    const pool =
      tenant !== undefined && this.#quarantined.has(tenant) && this.#quarantine
        ? this.#quarantine
        : this.#pool(this.#backtests);
    const feeds = await sendFeeds(rest.feeds);
    const payload: BacktestPayload = {
      ...rest,
      feeds: feeds.refs,
      limits: resolved,
      wantsProgress: onProgress !== undefined,
    };
    const answer = await this.#told(
      pool.call<ResultRef>('backtest', payload, {
        limits: processLimits(resolved),
        data: feeds.data,
        strikeCodes,
        ...(tenant === undefined ? {} : { tenant }),
        ...(signal === undefined ? {} : { signal }),
        ...(onProgress === undefined
          ? {}
          : { onProgress: (...args: unknown[]) => onProgress(args[0] as number, args[1] as number) }),
      }),
    );
    return receiveResult(answer, {
      maxResultBytes: resolved.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
      maxEquityPoints: rest.feeds.reduce((n, f) => n + f.columns.closeTime.length, 0),
    });
  }

  /**
   * Validates and compiles source for saving (see compileStrategy), in a process of the compile
   * pool, once the compile gate admits it (STRATEGY_COMPILE_BUSY otherwise). An oversized source is
   * refused here, before it is copied to a process.
   */
  async compile(source: string, options: CompileOptions = {}, tenant?: string): Promise<CompiledStrategy> {
    if (typeof source === 'string') checkSourceSize(source, options.maxBytes);
    const payload: CompilePayload = { source, options };
    const own = tenant !== undefined && this.#quarantined.has(tenant) && this.#quarantine !== undefined;
    const pool = own ? this.#quarantine! : this.#pool(this.#compiles);
    return this.#gate.run(
      tenant ?? '',
      () =>
        this.#told(
          pool.call<CompiledStrategy>('compile', payload, {
            limits: processLimits(COMPILE_LIMITS),
            ...(tenant === undefined ? {} : { tenant }),
            // A module that loops at load holds the compile process for its whole CPU budget: no
            // saved strategy needs that, so the refusal is a strike (three suspend the account).
            strikeCodes: CPU_STRIKE,
          }),
        ),
      // The quarantine's process is not the shared compile processes: no turn to wait for there.
      !own,
    );
  }

  /** A process's answer as the caller gets it (toldSetupFailure). */
  async #told<T>(answer: Promise<T>): Promise<T> {
    try {
      return await answer;
    } catch (error) {
      throw toldSetupFailure(error, this.#options.logger);
    }
  }

  #pool(pool: ProcessPool | undefined): ProcessPool {
    if (!pool) throw new Error('StrategyProcesses used before start()');
    return pool;
  }

  async stop(): Promise<void> {
    await Promise.all([this.#backtests?.close(), this.#compiles?.close(), this.#quarantine?.close()]);
  }

  health(): ServiceHealth {
    if (!this.#backtests || !this.#compiles) return { status: ServiceStatus.Starting };
    const backtest = this.#backtests.stats();
    const compile = this.#compiles.stats();
    const info = {
      backtest,
      compile: { ...compile, gate: this.#gate.stats() },
      ...(this.#quarantine
        ? { quarantine: { ...this.#quarantine.stats(), accounts: this.#quarantined.size } }
        : {}),
    };
    // A pool none of whose processes can start serves nothing: /readyz says so, and why.
    const failing = Object.entries({ backtest, compile }).flatMap(([name, stats]) =>
      stats.startError ? [`no ${name} process can start (${stats.startError})`] : [],
    );
    if (failing.length > 0) return { status: ServiceStatus.Down, detail: failing.join('; '), info };
    // Processes restart within a second after a kill: that is the pool working, not degraded.
    return { status: ServiceStatus.Up, info };
  }
}
