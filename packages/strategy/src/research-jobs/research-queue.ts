/**
 * @module The research job queue: runs queued research jobs, at most `maxActiveJobs` at once in
 * this process and at most the tier's `concurrentJobs` per user, the next job taken from the
 * account with the fewest running. Every trial of a job runs through the sandbox executor (its
 * own isolate, the tier's limits) and first takes one of the process's trial slots, shared
 * account by account (fair-slots.ts). A job stops with STRATEGY_RESEARCH_BUDGET_EXCEEDED once its
 * trials used the tier's CPU for one job or it ran past the tier's wall time. Progress is a
 * fraction in SQL that clients poll. A restart fails what was running (STRATEGY_RUN_INTERRUPTED)
 * and resumes what was queued, as the backtest queue does.
 */
import {
  createEventSource,
  isTicklineError,
  TicklineError,
  type Clock,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { AdjustMode, CandleInterval } from '@tickline/market';
import { isDeclaredError } from '@tickline/sandbox';
import type { SqlQueryable } from '@tickline/store';
import type { Feed, OutputLimits } from '../core/types.ts';
import { loadPinnedFeeds, type RunData } from '../module/run-data.ts';
import { pboOffThread } from '../research/pbo-thread.ts';
import { runResearch, type ResearchSpec } from '../research/research-report.ts';
import { registeredTrials, registerTrials, trialDataKey, trialsOf } from './trial-registry.ts';
import { createSandboxExecutor, type TrialsRunner } from '../research/sandbox-executor.ts';
import { runInSandbox, type BacktestRunner } from '../sandbox/sandbox.ts';
import type { EngineRunResult } from '../core/engine.ts';
import type { ResearchEstimate, ResearchJobLimits } from '../research/research-budget.ts';
import { FairSlots } from './fair-slots.ts';
import { resolveBacktestSettings, type BacktestSettingsInput } from '../settings/backtest-settings.ts';
import type { StrategyRepository } from '../versions/strategy-repository.ts';
import type { ResearchRecord, ResearchRepository } from './research-repository.ts';
import './research-errors.ts';
import type { Publisher } from '@tickline/eventlog';
import { ResearchCompleted, ResearchProgress } from '../module/strategy-events.ts';
import { noDataHint } from '../history/no-data-hint.ts';

export interface ResearchFeed {
  symbol: string;
  interval: CandleInterval;
  exchange?: string;
}

/** What `research_runs.request` holds. */
export interface ResearchRequest {
  /** The first feed drives windows and cut points; all are read over the same range. */
  feeds: ResearchFeed[];
  from: number;
  to: number;
  params: Record<string, unknown>;
  settings: BacktestSettingsInput;
  spec: ResearchSpec;
  sandbox: { memoryMb: number; cpuMs: number; maxResultBytes?: number };
  maxBars: number;
  userConcurrency: number;
  /** The tier's bounds on one job when it was queued (absent on runs queued before budgets). */
  budget?: ResearchJobLimits;
  /** The preflight estimate the job was accepted with. */
  estimate?: ResearchEstimate;
  /** Corporate-action adjustment of the candles (absent in jobs queued before it: raw). */
  adjust?: AdjustMode;
  /** The data version the candles are read as of (absent in jobs queued before versions). */
  dataVersion?: number;
}

export interface ResearchQueueOptions {
  research: ResearchRepository;
  strategies: StrategyRepository;
  /** Candle history (the read replica when configured). */
  history: SqlQueryable;
  /** Where the trial registry is kept (the primary). */
  trials: SqlQueryable;
  clock: Clock;
  logger: Logger;
  /** Jobs running at once when `maxActiveJobs` is not given. */
  workers: number;
  /** Jobs running at once; their trials share `trialConcurrency` slots. @default workers */
  maxActiveJobs?: number;
  progressIntervalMs: number;
  /** Bounds on what a trial writes (config `strategy.output`). @default DEFAULT_OUTPUT_LIMITS */
  output?: Partial<OutputLimits>;
  /** Where trials execute: the server's sandbox processes. @default runInSandbox (this process; tests) */
  run?: BacktestRunner;
  /**
   * Where batches of a job's trials execute (StrategyProcesses#runTrials): one isolate and one
   * trial slot per batch. None: every trial goes through `run`.
   */
  runTrials?: TrialsRunner;
  /**
   * Trials in flight at once, all jobs together: the sandbox processes that run them (each trial
   * still its own isolate), granted account by account. @default 1
   */
  trialConcurrency?: number;
  /** The trial slots, when the caller shares or watches them. @default new FairSlots(trialConcurrency) */
  slots?: FairSlots;
  /** Progress and completion go out as events, to the owner's `user:{id}`. */
  publisher?: Pick<Publisher, 'publish'>;
}

const INTERRUPTED = { code: 'STRATEGY_RUN_INTERRUPTED', message: 'the process stopped while the research ran' };

export class ResearchQueue implements Service {
  readonly name = 'research-queue';
  readonly #o: ResearchQueueOptions;
  readonly #waiting: ResearchRecord[] = [];
  readonly #active = new Map<string, { run: ResearchRecord; abort: AbortController }>();
  readonly #settled = new Set<Promise<void>>();
  #running = false;
  readonly #events = createEventSource({ source: 'strategy/research-queue' });
  readonly #slots: FairSlots;

  constructor(options: ResearchQueueOptions) {
    this.#o = options;
    this.#slots = options.slots ?? new FairSlots(options.trialConcurrency ?? 1);
  }

  async start(_context: ServiceContext): Promise<void> {
    const { research, clock } = this.#o;
    for (const r of await research.idsIn('running')) await research.fail(r.id, INTERRUPTED, new Date(clock.now()));
    for (const r of await research.idsIn('queued')) this.#waiting.push(await research.get(r.userId, r.id));
    this.#running = true;
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const a of this.#active.values()) a.abort.abort();
    await Promise.allSettled([...this.#settled]);
  }

  health(): ServiceHealth {
    return this.#running
      ? { status: 'up', info: { queued: this.#waiting.length, running: this.#active.size } }
      : { status: 'stopped', detail: 'not running' };
  }

  enqueue(run: ResearchRecord): void {
    this.#waiting.push(run);
    this.#pump();
  }

  /** Cancels a queued or running run of `userId`; STRATEGY_RUN_FINISHED once it ended. */
  async cancel(userId: string, id: string): Promise<ResearchRecord> {
    const { research, clock } = this.#o;
    const run = await research.get(userId, id);
    const active = this.#active.get(id);
    if (active) {
      active.abort.abort();
      return run;
    }
    if (run.status !== 'queued') {
      throw new TicklineError('STRATEGY_RUN_FINISHED', `research run ${id} is ${run.status}`, {
        details: { status: run.status },
      });
    }
    const at = this.#waiting.findIndex((r) => r.id === id);
    if (at >= 0) this.#waiting.splice(at, 1);
    const error = { code: 'STRATEGY_RUN_CANCELLED', message: 'cancelled before it started' };
    await research.fail(id, error, new Date(clock.now()), 'cancelled');
    this.#publish(ResearchCompleted, run, { status: 'cancelled', error });
    return research.get(userId, id);
  }

  #activeOf(userId: string): number {
    let mine = 0;
    for (const a of this.#active.values()) if (a.run.userId === userId) mine++;
    return mine;
  }

  /** The next waiting run that may start: of the account with the fewest running, oldest first. */
  #next(): number {
    let pick = -1;
    let least = Infinity;
    for (let i = 0; i < this.#waiting.length; i++) {
      const run = this.#waiting[i]!;
      const mine = this.#activeOf(run.userId);
      const request = run.request as unknown as ResearchRequest;
      if (mine >= Math.max(1, request.userConcurrency) || mine >= least) continue;
      pick = i;
      least = mine;
    }
    return pick;
  }

  #pump(): void {
    if (!this.#running) return;
    const slots = this.#o.maxActiveJobs ?? this.#o.workers;
    while (this.#active.size < slots) {
      const i = this.#next();
      if (i < 0) return;
      const [run] = this.#waiting.splice(i, 1) as [ResearchRecord];
      const active = { run, abort: new AbortController() };
      this.#active.set(run.id, active);
      const done = this.#execute(active)
        .catch((error: unknown) => this.#o.logger.error({ err: error, id: run.id }, 'research bookkeeping failed'))
        .finally(() => {
          this.#active.delete(run.id);
          this.#settled.delete(done);
          this.#pump();
        });
      this.#settled.add(done);
    }
  }

  /**
   * The runner a job's trials go through: each first takes a shared trial slot in its account's
   * turn, and its CPU counts against the job's budget (stopping the job once it is spent).
   */
  #budgetedRunners(
    run: ResearchRecord,
    abort: AbortController,
    budget: ResearchJobLimits | undefined,
  ): { run: BacktestRunner; runTrials?: TrialsRunner } {
    const inner = this.#o.run ?? runInSandbox;
    const innerTrials = this.#o.runTrials;
    let cpuMs = 0;
    const counted = (results: readonly EngineRunResult[]): void => {
      for (const result of results) cpuMs += result.cpuMs ?? 0;
      if (budget !== undefined && cpuMs > budget.cpuMsPerJob) {
        const error = budgetExceeded(`its trials used ${Math.round(cpuMs)} ms of CPU`, budget);
        abort.abort(error);
        throw error;
      }
    };
    /** `body` once a trial slot is free in the account's turn, the slot released after. */
    const inSlot = async <T>(body: () => Promise<T>): Promise<T> => {
      const release = await this.#slots.acquire(run.userId, abort.signal);
      try {
        return await body();
      } finally {
        release();
      }
    };
    return {
      run: (options, limits, tenant) =>
        inSlot(async () => {
          const result = await inner(options, limits, tenant);
          counted([result]);
          return result;
        }),
      ...(innerTrials === undefined
        ? {}
        : {
            runTrials: (base, trials, limits, tenant) =>
              inSlot(async () => {
                const results = await innerTrials(base, trials, limits, tenant);
                counted(results);
                return results;
              }),
          }),
    };
  }

  async #loadFeeds(request: ResearchRequest): Promise<{ feeds: Feed[]; data: Omit<RunData, 'strategy'> | undefined }> {
    let loaded: Awaited<ReturnType<typeof loadPinnedFeeds>>;
    try {
      // As of the data version pinned when the job was queued, as a backtest reads it.
      loaded = await loadPinnedFeeds(this.#o.history, request.feeds, {
        from: request.from,
        to: request.to,
        dataVersion: request.dataVersion,
        adjust: request.adjust ?? 'none',
        maxBars: request.maxBars,
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new TicklineError('STRATEGY_TIER_LIMIT', `the range holds more than ${request.maxBars} candles`, {
        details: { maxBars: request.maxBars },
      });
    }
    const { feeds } = loaded;
    if (feeds[0]!.columns.closeTime.length === 0) {
      const f = request.feeds[0]!;
      const hint = noDataHint({ ...f, from: request.from, to: request.to });
      throw new TicklineError('STRATEGY_NO_DATA', `no candles for ${f.symbol} in range; ${hint.text}`, {
        details: { download: hint.command },
      });
    }
    return loaded;
  }

  async #execute({ run, abort }: { run: ResearchRecord; abort: AbortController }): Promise<void> {
    const { research, strategies, clock } = this.#o;
    if (!(await research.claim(run.id, new Date(clock.now())))) return;
    const request = run.request as unknown as ResearchRequest;
    const budget = request.budget;
    const wall =
      budget === undefined
        ? undefined
        : setTimeout(() => abort.abort(budgetExceeded(`it ran for ${budget.wallMsPerJob} ms`, budget)), budget.wallMsPerJob);
    wall?.unref();
    try {
      const version = await strategies.getVersion(run.userId, run.strategyId, run.version);
      const { feeds, data } = await this.#loadFeeds(request);
      let last = Number.NEGATIVE_INFINITY;
      const onProgress = (fraction: number): void => {
        const now = clock.now();
        if (now - last < this.#o.progressIntervalMs) return;
        last = now;
        const progress = Math.min(1, fraction);
        void research.setProgress(run.id, progress).catch(() => undefined);
        this.#publish(ResearchProgress, run, { progress });
      };
      const executor = createSandboxExecutor({
        limits: request.sandbox,
        signal: abort.signal,
        tenant: run.userId,
        concurrency: this.#o.trialConcurrency ?? 1,
        ...this.#budgetedRunners(run, abort, request.budget),
      });
      // Every set tried before on this strategy and market counts as a trial of this one's DSR.
      const trials = { userId: run.userId, strategyId: run.strategyId, dataKey: trialDataKey(request.feeds[0]!) };
      const report = await runResearch(
        executor,
        { code: version.js, feeds, settings: resolveBacktestSettings(request.settings, this.#o.output), params: request.params },
        request.spec,
        onProgress,
        {
          registeredTrials: await registeredTrials(this.#o.trials, trials),
          // A cancel or the wall budget stops the PBO's thread as it stops the trials.
          pbo: (blocks, metric) => pboOffThread(blocks, metric, { signal: abort.signal }),
        },
      );
      if (data !== undefined)
        report.data = { ...data, strategy: { id: run.strategyId, version: run.version, sourceSha256: version.sourceSha256 } };
      await research.complete(run.id, report, new Date(clock.now()));
      // After the report is stored: a registry write that fails must not fail a finished job.
      await registerTrials(this.#o.trials, trials, trialsOf(request.spec), new Date(clock.now())).catch(
        (error: unknown) => this.#o.logger.warn({ err: error, id: run.id }, 'trials not registered'),
      );
      this.#publish(ResearchCompleted, run, { status: 'succeeded', error: null });
    } catch (error) {
      const reason: unknown = abort.signal.reason;
      if (isTicklineError(reason) && reason.code === 'STRATEGY_RESEARCH_BUDGET_EXCEEDED') {
        // Stopped by its budget, not by its owner or a shutdown.
        const recorded = { code: reason.code, message: reason.message };
        await research.fail(run.id, recorded, new Date(clock.now()), 'failed');
        this.#publish(ResearchCompleted, run, { status: 'failed', error: recorded });
        return;
      }
      const cancelled = abort.signal.aborted;
      if (!cancelled && !isDeclaredError(error)) this.#o.logger.error({ err: error, id: run.id }, 'research failed');
      const recorded = cancelled
        ? this.#running
          ? { code: 'STRATEGY_RUN_CANCELLED', message: 'the research run was cancelled' }
          : INTERRUPTED
        : isDeclaredError(error)
          ? { code: error.code, message: error.message }
          : { code: 'STRATEGY_SANDBOX_FAILED', message: 'the research run failed unexpectedly; the fault was logged' };
      const status = cancelled && this.#running ? 'cancelled' : 'failed';
      await research.fail(run.id, recorded, new Date(clock.now()), status);
      this.#publish(ResearchCompleted, run, { status, error: recorded });
    } finally {
      clearTimeout(wall);
    }
  }

  /** An event about `run` to its owner (subject and partition key: the user). */
  #publish<D extends object>(
    type: typeof ResearchProgress | typeof ResearchCompleted,
    run: ResearchRecord,
    data: D,
  ): void {
    const ref = { researchId: run.id, strategyId: run.strategyId, version: run.version, kind: run.kind };
    this.#o.publisher?.publish(
      this.#events.create(type as typeof ResearchProgress, {
        subject: run.userId,
        partitionkey: run.userId,
        data: { ...ref, ...data } as never,
      }),
    );
  }
}

/** The error a job stops with once `what` passed its tier's budget. */
function budgetExceeded(what: string, budget: ResearchJobLimits): TicklineError {
  return new TicklineError(
    'STRATEGY_RESEARCH_BUDGET_EXCEEDED',
    `the research job was stopped: ${what}, past the tier's budget for one job (${budget.cpuMsPerJob} ms of CPU, ${budget.wallMsPerJob} ms in all)`,
    { details: { cpuMsPerJob: budget.cpuMsPerJob, wallMsPerJob: budget.wallMsPerJob } },
  );
}
