/**
 * @module The backtest job queue: runs queued backtests, at most `workers` at once in this
 * process and at most the tier's `concurrentJobs` per user, each in a fresh isolate with the
 * tier's memory and CPU limits. Job state lives in SQL (`backtest_runs`): a run is claimed with a
 * conditional update, so a restart re-queues what was still queued and fails what was running
 * with STRATEGY_RUN_INTERRUPTED (one strategy process per database runs the queue). Progress and
 * completion go out as events whose subject is the owner, for the user's stream.
 *
 * A replay of a version for a caller waiting on the answer (a live run's parity report) takes its
 * turn here too (`replay`): it waits for a worker behind the runs queued before it and counts among
 * its owner's runs, so replays cannot crowd the workers out from under queued backtests.
 */
import type { Publisher } from '@tickline/eventlog';
import {
  createEventSource,
  TicklineError,
  uuidv7,
  type Clock,
  type EventSource,
  type Logger,
  type Registry,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { AdjustMode, CandleInterval } from '@tickline/market';
import { isDeclaredError } from '@tickline/sandbox';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { EngineRunResult } from '../core/engine.ts';
import { downsampleColumns, EQUITY_POINTS } from '../core/downsample.ts';
import type { OutputLimits } from '../core/types.ts';
import { runInSandbox, type BacktestRunner } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings, type BacktestSettingsInput } from '../settings/backtest-settings.ts';
import type { RunRecord, StoredResult, StrategyRepository } from '../versions/strategy-repository.ts';
import { loadPinnedFeeds, type RunData } from './run-data.ts';
import { registerTrials, trialDataKey } from '../research-jobs/trial-registry.ts';
import type { Feed } from '../core/types.ts';
import { strategyMetrics, type StrategyMetrics } from './strategy-metrics.ts';
import { BacktestCompleted, BacktestProgress, type BacktestCompletedData } from './strategy-events.ts';
import './strategy-api-errors.ts';

/** `source` of the queue's events. */
export const BACKTEST_EVENT_SOURCE = 'strategy/backtests';
export { EQUITY_POINTS };
/** What a user reads of a run that failed for a reason of the platform's (the log has the fault). */
const FAULT = {
  code: 'STRATEGY_SANDBOX_FAILED',
  message: 'the backtest failed unexpectedly; the fault was logged',
};

/** What `backtest_runs.request` holds: everything a run needs besides the code. */
export interface BacktestRequest {
  symbol: string;
  interval: CandleInterval;
  from: number;
  to: number;
  exchange?: string;
  /** Feeds after the first, over the same range (a multi-feed strategy, as live runs take them). */
  feeds?: Array<{ symbol: string; interval: CandleInterval; exchange?: string }>;
  params: Record<string, unknown>;
  settings: BacktestSettingsInput;
  /** Corporate-action adjustment of the candles (absent in runs queued before it: raw). */
  adjust?: AdjustMode;
  /**
   * The data version the candles are read as of: the newest when it was queued, or the first run's
   * for a re-run (absent in runs queued before versions: the current history).
   */
  dataVersion?: number;
  /** The run this one re-runs (`POST /backtests/{id}/rerun`). */
  rerunOf?: string;
  /** The tier's limits when the run was queued (runs queued before result bounds have no maxResultBytes). */
  sandbox: { memoryMb: number; cpuMs: number; maxResultBytes?: number };
  maxBars: number;
  /** Runs of one user run at most this many at once. */
  userConcurrency: number;
}

export interface BacktestQueueOptions {
  sql: Sql;
  /**
   * Where a run reads its candle history: the read replica when one is configured (the run's own
   * state stays on `sql`). Consumers and imports write candles, never the run. @default `sql`
   */
  history?: SqlQueryable;
  repository: StrategyRepository;
  publisher: Pick<Publisher, 'publish'>;
  clock: Clock;
  logger: Logger;
  workers: number;
  progressIntervalMs: number;
  /** Bounds on what a run writes (config `strategy.output`). @default DEFAULT_OUTPUT_LIMITS */
  output?: Partial<OutputLimits>;
  /** Where runs execute: the server's sandbox processes. @default runInSandbox (this process; tests) */
  run?: BacktestRunner;
  /** Where `tickline_backtest_duration_seconds` is registered. */
  metrics?: Registry;
}

/** Work waiting for a worker: a queued run, or a replay whose caller waits on it. */
interface Job {
  id: string;
  userId: string;
  /** Jobs of this user running at once, at most. */
  userConcurrency: number;
  /** Runs on a worker; settles when the worker is free again. */
  execute(abort: AbortController): Promise<void>;
  /** The queue stopped before the job started (a queued run stays queued in SQL). */
  interrupt?(): void;
}

interface Active {
  job: Job;
  abort: AbortController;
}

const INTERRUPTED = { code: 'STRATEGY_RUN_INTERRUPTED', message: 'the process stopped while the backtest ran' };

/** Every `n`-th point of the curve and the last one, as [time, equity] pairs (see downsampleColumns). */
export function downsampleEquity(
  equity: EngineRunResult['equity'],
  points = EQUITY_POINTS,
): Array<[number, number]> {
  const cut = downsampleColumns(equity.time, equity.value, points);
  return Array.from(cut.time, (t, i): [number, number] => [t, cut.value[i]!]);
}

export class BacktestQueue implements Service {
  readonly name = 'backtest-queue';
  readonly #o: BacktestQueueOptions;
  readonly #events: EventSource;
  readonly #waiting: Job[] = [];
  readonly #active = new Map<string, Active>();
  readonly #settled = new Set<Promise<void>>();
  #logger: Logger;
  #running = false;
  /** Stopped: a replay asked now is refused (before `start`, one waits for it). */
  #stopped = false;

  constructor(options: BacktestQueueOptions) {
    this.#o = options;
    this.#duration = options.metrics ? strategyMetrics(options.metrics).backtestDuration : undefined;
    this.#logger = options.logger;
    this.#events = createEventSource({ source: BACKTEST_EVENT_SOURCE, clock: options.clock });
  }

  readonly #duration: StrategyMetrics['backtestDuration'] | undefined;
  /** When each running backtest started (for its duration). */
  readonly #startedAt = new Map<string, number>();

  async start(_context: ServiceContext): Promise<void> {
    const { sql, repository, clock } = this.#o;
    const interrupted = await sql.query<{ id: string; user_id: string }>(
      `select id, user_id from backtest_runs where status = 'running'`,
    );
    for (const r of interrupted.rows) {
      await repository.failRun(r.id, INTERRUPTED, new Date(clock.now()));
      this.#announce(await repository.getRun(r.user_id, r.id), 'failed', null, INTERRUPTED);
    }
    // Replays of versions (version-replays.ts) count as running backtests: these were interrupted.
    await repository.failRunningReplays(new Date(clock.now()));
    const { rows } = await sql.query<{ id: string; user_id: string }>(
      `select id, user_id from backtest_runs where status = 'queued' order by created_at, id`,
    );
    for (const r of rows) this.#waiting.push(this.#jobOf(await repository.getRun(r.user_id, r.id)));
    this.#logger.info(
      { resumed: rows.length, interrupted: interrupted.rows.length },
      'backtest queue started',
    );
    this.#running = true;
    this.#stopped = false;
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopped = true;
    for (const a of this.#active.values()) a.abort.abort();
    // Replays are held in memory only: their callers are told; queued runs stay queued in SQL.
    for (const job of this.#waiting.filter((j) => j.interrupt !== undefined)) {
      this.#waiting.splice(this.#waiting.indexOf(job), 1);
      job.interrupt!();
    }
    await Promise.allSettled([...this.#settled]);
  }

  health(): ServiceHealth {
    return this.#running
      ? { status: 'up', info: { queued: this.#waiting.length, running: this.#active.size } }
      : { status: 'stopped', detail: 'not running' };
  }

  /** Queued and running runs of this process (for tests and health). */
  get sizes(): { queued: number; running: number } {
    return { queued: this.#waiting.length, running: this.#active.size };
  }

  /** Adds a run the routes just created (status queued). */
  enqueue(run: RunRecord): void {
    this.#waiting.push(this.#jobOf(run));
    this.#pump();
  }

  /**
   * Runs `task` as one of this queue's backtests for a caller waiting on its answer (a live run's
   * parity replay): it waits for a worker behind what was queued before it, and counts among
   * `userId`'s runs against `userConcurrency` (the tier's `concurrentJobs`), as a queued run does.
   * Quotas per day are the caller's to take first. STRATEGY_RUN_INTERRUPTED if the queue stops
   * before it starts; a running task's signal is aborted when the queue stops.
   */
  replay<T>(userId: string, userConcurrency: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const interrupted = () => new TicklineError(INTERRUPTED.code, INTERRUPTED.message);
    if (this.#stopped) return Promise.reject(interrupted());
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        id: `replay-${uuidv7()}`,
        userId,
        userConcurrency,
        execute: (abort) => task(abort.signal).then(resolve, reject),
        interrupt: () => reject(interrupted()),
      });
      this.#pump();
    });
  }

  #jobOf(run: RunRecord): Job {
    const request = run.request as unknown as BacktestRequest;
    return {
      id: run.id,
      userId: run.userId,
      userConcurrency: request.userConcurrency ?? 1,
      execute: (abort) => this.#execute(run, abort),
    };
  }

  /**
   * Cancels a queued or running run of `userId`. A queued run is cancelled at once; a running one
   * is stopped and marked cancelled by its own completion. STRATEGY_RUN_FINISHED otherwise.
   */
  async cancel(userId: string, id: string): Promise<RunRecord> {
    const run = await this.#o.repository.getRun(userId, id);
    const active = this.#active.get(id);
    if (active) {
      active.abort.abort();
      return run;
    }
    if (run.status !== 'queued') {
      throw new TicklineError('STRATEGY_RUN_FINISHED', `backtest ${id} is ${run.status}`, {
        details: { status: run.status },
      });
    }
    const at = this.#waiting.findIndex((j) => j.id === id);
    if (at >= 0) this.#waiting.splice(at, 1);
    const error = { code: 'STRATEGY_RUN_CANCELLED', message: 'cancelled before it started' };
    await this.#o.repository.failRun(id, error, new Date(this.#o.clock.now()), 'cancelled');
    this.#announce(run, 'cancelled', null, error);
    return this.#o.repository.getRun(userId, id);
  }

  #runningOf(userId: string): number {
    let n = 0;
    for (const a of this.#active.values()) if (a.job.userId === userId) n++;
    return n;
  }

  /** Starts waiting jobs while there are free workers, skipping users at their own limit. */
  #pump(): void {
    if (!this.#running) return;
    for (let i = 0; i < this.#waiting.length && this.#active.size < this.#o.workers;) {
      const job = this.#waiting[i]!;
      if (this.#runningOf(job.userId) >= Math.max(1, job.userConcurrency)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      const active: Active = { job, abort: new AbortController() };
      this.#active.set(job.id, active);
      const done = job
        .execute(active.abort)
        .catch((error: unknown) =>
          this.#logger.error({ err: error, id: job.id }, 'backtest bookkeeping failed'),
        )
        .finally(() => {
          this.#active.delete(job.id);
          this.#settled.delete(done);
          this.#pump();
        });
      this.#settled.add(done);
    }
  }

  async #execute(run: RunRecord, abort: AbortController): Promise<void> {
    const { sql, repository, clock } = this.#o;
    const claimed = await sql.query(
      `update backtest_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`,
      [run.id, new Date(clock.now())],
    );
    if (claimed.rowCount === 0) return;
    this.#startedAt.set(run.id, performance.now());
    const request = run.request as unknown as BacktestRequest;
    try {
      const version = await repository.getVersion(run.userId, run.strategyId, run.version);
      let feeds: Feed[];
      let data: Omit<RunData, 'strategy'> | undefined;
      try {
        const wanted = [
          { symbol: request.symbol, interval: request.interval, ...(request.exchange ? { exchange: request.exchange } : {}) },
          ...(request.feeds ?? []),
        ];
        // As of the data version pinned when it was queued (a re-run: the first run's).
        ({ feeds, data } = await loadPinnedFeeds(this.#o.history ?? sql, wanted, {
          from: request.from,
          to: request.to,
          dataVersion: request.dataVersion,
          adjust: request.adjust ?? 'none',
          maxBars: request.maxBars,
        }));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new TicklineError(
          'STRATEGY_TIER_LIMIT',
          `the range holds more than ${request.maxBars} candles`,
          {
            details: { maxBars: request.maxBars },
          },
        );
      }
      const feed = feeds[0]!;
      const total = feed.columns.openTime.length;
      if (total === 0) {
        throw new TicklineError(
          'STRATEGY_NO_DATA',
          `no candles for ${request.symbol} ${request.interval} in range`,
        );
      }
      let lastProgressAt = Number.NEGATIVE_INFINITY;
      const onProgress = (done: number, of: number): void => {
        const now = clock.now();
        if (now - lastProgressAt < this.#o.progressIntervalMs) return;
        lastProgressAt = now;
        const progress = of > 0 ? Math.min(1, done / of) : 0;
        void repository.setProgress(run.id, progress).catch(() => undefined);
        this.#o.publisher.publish(
          this.#events.create(BacktestProgress, {
            subject: run.userId,
            partitionkey: run.userId,
            data: {
              backtestId: run.id,
              strategyId: run.strategyId,
              version: run.version,
              progress,
              barsDone: done,
              barsTotal: of,
            },
          }),
        );
      };
      const result = await (this.#o.run ?? runInSandbox)(
        {
          code: version.js,
          feeds,
          settings: resolveBacktestSettings(request.settings, this.#o.output),
          params: request.params,
          onProgress,
          progressEvery: Math.max(1_000, Math.ceil(total / 50)),
          signal: abort.signal,
          // Only the chart's points come back from the sandbox (the metrics used every bar there).
          equityPoints: EQUITY_POINTS,
        },
        request.sandbox,
        run.userId,
      );
      const stored: StoredResult = {
        metrics: result.metrics,
        trades: result.trades,
        tradesTruncated: result.tradesTruncated,
        equity: downsampleEquity(result.equity),
        logs: result.logs,
        plots: result.plots,
        bars: result.bars,
        ...(result.cpuMsPerCandle === undefined ? {} : { cpuMsPerCandle: result.cpuMsPerCandle }),
        ...(data === undefined
          ? {}
          : {
              data: {
                ...data,
                strategy: { id: run.strategyId, version: run.version, sourceSha256: version.sourceSha256 },
              },
            }),
      };
      await repository.completeRun(run.id, stored, new Date(clock.now()));
      // A parameter set tried on this strategy and market: counted into later research's DSR. A
      // re-run reads the same data with the same set, so it is not another trial.
      // After the run is stored: a registry write that fails must not turn a succeeded run failed.
      if (request.rerunOf === undefined)
        await registerTrials(
          sql,
          { userId: run.userId, strategyId: run.strategyId, dataKey: trialDataKey(request) },
          1,
          new Date(clock.now()),
        ).catch((error: unknown) => this.#logger.warn({ err: error, id: run.id }, 'trial not registered'));
      this.#announce(run, 'succeeded', result, null);
    } catch (error) {
      const cancelled = abort.signal.aborted;
      // Only a declared code is the user's to read; anything else (Node's ENOENT, a driver's
      // SQLSTATE) may hold internals: logged in full, told as a fixed text.
      const coded = isDeclaredError(error) ? { code: error.code, message: error.message } : FAULT;
      if (!isDeclaredError(error)) this.#logger.error({ err: error, id: run.id }, 'backtest failed');
      // Stopping the process aborts runs too: those are interrupted, not cancelled by the user.
      const status = cancelled && this.#running ? 'cancelled' : 'failed';
      const recorded =
        cancelled && !this.#running
          ? INTERRUPTED
          : cancelled
            ? { code: 'STRATEGY_RUN_CANCELLED', message: 'the backtest was cancelled' }
            : coded;
      await repository.failRun(run.id, recorded, new Date(clock.now()), status);
      this.#announce(run, status, null, recorded);
    }
  }

  #announce(
    run: RunRecord,
    status: BacktestCompletedData['status'],
    result: EngineRunResult | null,
    error: { code: string; message: string } | null,
  ): void {
    const m = result?.metrics;
    const started = this.#startedAt.get(run.id);
    if (started !== undefined) {
      this.#startedAt.delete(run.id);
      this.#duration?.observe({ status }, (performance.now() - started) / 1_000);
    }
    this.#o.publisher.publish(
      this.#events.create(BacktestCompleted, {
        subject: run.userId,
        partitionkey: run.userId,
        data: {
          backtestId: run.id,
          strategyId: run.strategyId,
          version: run.version,
          status,
          summary: m
            ? {
                totalReturn: m.totalReturn,
                maxDrawdown: m.drawdown.maxDrawdown,
                sharpe: m.sharpe,
                trades: m.trades,
                finalEquity: m.finalEquity,
              }
            : null,
          error,
          finishedAt: new Date(this.#o.clock.now()).toISOString(),
        },
      }),
    );
  }
}
