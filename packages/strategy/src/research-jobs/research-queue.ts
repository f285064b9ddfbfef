/**
 * @module The research job queue: runs queued research jobs, at most `workers` at once in this
 * process and at most the tier's `concurrentJobs` per user. Every trial of a job runs through
 * the sandbox executor (its own isolate, the tier's limits); progress is a fraction in SQL that
 * clients poll. A restart fails what was running (STRATEGY_RUN_INTERRUPTED) and resumes what was
 * queued, as the backtest queue does.
 */
import {
  createEventSource,
  TicklineError,
  type Clock,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { CandleInterval } from '@tickline/market';
import { isDeclaredError } from '@tickline/sandbox';
import type { SqlQueryable } from '@tickline/store';
import type { Feed, OutputLimits } from '../core/types.ts';
import { loadFeed } from '../module/candle-feed.ts';
import { runResearch, type ResearchSpec } from '../research/research-report.ts';
import { createSandboxExecutor } from '../research/sandbox-executor.ts';
import type { BacktestRunner } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings, type BacktestSettingsInput } from '../settings/backtest-settings.ts';
import type { StrategyRepository } from '../versions/strategy-repository.ts';
import type { ResearchRecord, ResearchRepository } from './research-repository.ts';
import './research-errors.ts';
import type { Publisher } from '@tickline/eventlog';
import { ResearchCompleted, ResearchProgress } from '../module/strategy-events.ts';

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
}

export interface ResearchQueueOptions {
  research: ResearchRepository;
  strategies: StrategyRepository;
  /** Candle history (the read replica when configured). */
  history: SqlQueryable;
  clock: Clock;
  logger: Logger;
  workers: number;
  progressIntervalMs: number;
  /** Bounds on what a trial writes (config `strategy.output`). @default DEFAULT_OUTPUT_LIMITS */
  output?: Partial<OutputLimits>;
  /** Where trials execute: the server's sandbox processes. @default runInSandbox (this process; tests) */
  run?: BacktestRunner;
  /**
   * Trials of one job in flight at once: the sandbox processes that run them (each trial still
   * its own isolate). The pool serves calls in order, so other users' runs wait for one trial at
   * most. @default 1
   */
  trialConcurrency?: number;
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

  constructor(options: ResearchQueueOptions) {
    this.#o = options;
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

  #pump(): void {
    if (!this.#running) return;
    for (let i = 0; i < this.#waiting.length && this.#active.size < this.#o.workers; ) {
      const run = this.#waiting[i]!;
      const request = run.request as unknown as ResearchRequest;
      let mine = 0;
      for (const a of this.#active.values()) if (a.run.userId === run.userId) mine++;
      if (mine >= Math.max(1, request.userConcurrency)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
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

  async #loadFeeds(request: ResearchRequest): Promise<Feed[]> {
    const feeds: Feed[] = [];
    for (const f of request.feeds) {
      try {
        feeds.push(
          await loadFeed(
            this.#o.history,
            { symbol: f.symbol, interval: f.interval, from: request.from, to: request.to, ...(f.exchange ? { exchange: f.exchange } : {}) },
            { maxBars: request.maxBars },
          ),
        );
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new TicklineError('STRATEGY_TIER_LIMIT', `the range holds more than ${request.maxBars} candles`, {
          details: { maxBars: request.maxBars },
        });
      }
    }
    if (feeds[0]!.columns.closeTime.length === 0) {
      throw new TicklineError('STRATEGY_NO_DATA', `no candles for ${request.feeds[0]!.symbol} in range`);
    }
    return feeds;
  }

  async #execute({ run, abort }: { run: ResearchRecord; abort: AbortController }): Promise<void> {
    const { research, strategies, clock } = this.#o;
    if (!(await research.claim(run.id, new Date(clock.now())))) return;
    const request = run.request as unknown as ResearchRequest;
    try {
      const version = await strategies.getVersion(run.userId, run.strategyId, run.version);
      const feeds = await this.#loadFeeds(request);
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
        ...(this.#o.run ? { run: this.#o.run } : {}),
      });
      const report = await runResearch(
        executor,
        { code: version.js, feeds, settings: resolveBacktestSettings(request.settings, this.#o.output), params: request.params },
        request.spec,
        onProgress,
      );
      await research.complete(run.id, report, new Date(clock.now()));
      this.#publish(ResearchCompleted, run, { status: 'succeeded', error: null });
    } catch (error) {
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
