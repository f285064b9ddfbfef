/**
 * @module The backtest service the routes, the job queue and the CLI call: `submit` checks a
 * request against the owner's version and quotas and records a queued run; `execute` loads the
 * version and the candles, runs the sandbox with the tier's limits, stores the result and emits
 * `backtest.completed`. No HTTP, no queue: those are thin layers over these two calls.
 */
import { TicklineError, isTicklineError } from '@tickline/kernel';
import type { Clock } from '@tickline/kernel';
import { z } from 'zod';
import { resolveParams } from '../core/definition.ts';
import type { EngineRunResult } from '../core/engine.ts';
import type { Feed } from '../core/types.ts';
import type { BacktestExecutor } from '../research/executor.ts';
import { backtestSettingsSchema, resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { RunRecord, StoredResult, StrategyRepository } from '../versions/strategy-repository.ts';
import { downsampleCurve } from './downsample.ts';
import type { BacktestCompletedData } from './events.ts';
import type { TierLimits } from '../module/strategy-config.ts';

/** Where candles come from (market storage in the server, files in the CLI, arrays in tests). */
export interface CandleSource {
  /** Closed candles with openTime in [from, to); an empty feed means no data. */
  loadFeed(request: { symbol: string; interval: string; from: number; to: number }): Promise<Feed>;
}

/** What a user asks for. */
export const backtestRequestSchema = z
  .object({
    strategyId: z.uuid(),
    /** @default the latest version */
    version: z.number().int().positive().optional(),
    feeds: z
      .array(z.object({ symbol: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/), interval: z.string().min(1) }))
      .min(1)
      .max(8),
    from: z.number().int().nonnegative(),
    to: z.number().int().positive(),
    params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
    settings: backtestSettingsSchema.prefault({}),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: 'to must be after from', path: ['to'] });

export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

export interface BacktestServiceDeps {
  repository: StrategyRepository;
  candles: CandleSource;
  /** Runs jobs in sandboxes: a worker pool in the server, inline in tests and the CLI. */
  executor: BacktestExecutor;
  clock: Clock;
  newId: () => string;
  /** Called once per finished run; the host turns it into a published event. */
  emitCompleted?: (data: BacktestCompletedData) => void;
}

export interface ExecuteOptions {
  /** Fraction done, 0–1, about every few percent. */
  onProgress?: (fraction: number) => void;
}

const DAY_MS = 86_400_000;
/** Steps between progress reports from the isolate (a few per second at engine speed). */
const PROGRESS_STEPS = 100_000;

/** See module doc. */
export class BacktestService {
  readonly #d: BacktestServiceDeps;

  constructor(deps: BacktestServiceDeps) {
    this.#d = deps;
  }

  /** Validates and records a queued run; 4xx-coded errors change nothing. */
  async submit(userId: string, input: unknown, tier: TierLimits): Promise<RunRecord> {
    const parsed = backtestRequestSchema.safeParse(input);
    if (!parsed.success) {
      throw new TicklineError('STRATEGY_CONFIG_INVALID', 'invalid backtest request', {
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
    }
    const request = parsed.data;
    const version = await this.#d.repository.getVersion(userId, request.strategyId, request.version);
    resolveParams(version.params, request.params);
    resolveBacktestSettings(request.settings);
    const now = this.#d.clock.now();
    const counts = await this.#d.repository.runCounts(userId, new Date(now - DAY_MS));
    if (counts.since >= tier.backtestsPerDay) {
      throw new TicklineError(
        'STRATEGY_QUOTA_EXCEEDED',
        `at most ${tier.backtestsPerDay} backtests per day on this tier`,
        {
          details: { quota: 'backtestsPerDay', limit: tier.backtestsPerDay },
        },
      );
    }
    if (counts.active >= tier.concurrentBacktests) {
      throw new TicklineError(
        'STRATEGY_QUOTA_EXCEEDED',
        `at most ${tier.concurrentBacktests} backtests at a time on this tier`,
        {
          details: { quota: 'concurrentBacktests', limit: tier.concurrentBacktests },
        },
      );
    }
    return this.#d.repository.createRun({
      id: this.#d.newId(),
      userId,
      strategyId: request.strategyId,
      version: version.version,
      request: { ...request, version: version.version },
      now: new Date(now),
    });
  }

  /** Runs a queued run to the end; returns the stored result or throws the run's coded error. */
  async execute(
    userId: string,
    runId: string,
    tier: TierLimits,
    options: ExecuteOptions = {},
  ): Promise<StoredResult> {
    const { repository, clock } = this.#d;
    const run = await repository.getRun(userId, runId);
    const started = clock.monotonic();
    await repository.markRunning(runId, new Date(clock.now()));
    const emit = (
      status: BacktestCompletedData['status'],
      summary: BacktestCompletedData['summary'],
      error: BacktestCompletedData['error'],
    ): void =>
      this.#d.emitCompleted?.({
        runId,
        userId,
        strategyId: run.strategyId,
        version: run.version,
        status,
        summary,
        error,
        durationMs: Math.max(0, clock.monotonic() - started),
      });
    try {
      const request = backtestRequestSchema.parse(run.request);
      const version = await repository.getVersion(userId, run.strategyId, run.version);
      const feeds = await Promise.all(
        request.feeds.map((f) => this.#d.candles.loadFeed({ ...f, from: request.from, to: request.to })),
      );
      const empty = feeds.findIndex((f) => f.columns.closeTime.length === 0);
      if (empty >= 0) {
        throw new TicklineError(
          'STRATEGY_NO_DATA',
          `no candles for ${request.feeds[empty]!.symbol} ${request.feeds[empty]!.interval} in the range`,
          {
            details: { ...request.feeds[empty], from: request.from, to: request.to },
          },
        );
      }
      options.onProgress?.(0);
      const result: EngineRunResult = await this.#d.executor.run({
        code: version.js,
        feeds,
        settings: resolveBacktestSettings(request.settings, tier.output),
        params: request.params,
        limits: { memoryMb: tier.memoryMb, cpuMs: tier.cpuMs },
        onProgress:
          options.onProgress === undefined
            ? undefined
            : (done, total) => options.onProgress?.(total === 0 ? 1 : done / total),
        progressEvery: PROGRESS_STEPS,
      });
      const stored: StoredResult = {
        metrics: result.metrics,
        trades: result.trades,
        tradesTruncated: result.tradesTruncated,
        equity: downsampleCurve(result.equity.time, result.equity.value),
        logs: result.logs,
        plots: result.plots,
        bars: result.bars,
      };
      await repository.completeRun(runId, stored, new Date(clock.now()));
      options.onProgress?.(1);
      const m = result.metrics;
      emit(
        'succeeded',
        {
          totalReturn: m.totalReturn,
          sharpe: m.sharpe,
          maxDrawdown: m.drawdown.maxDrawdown,
          trades: m.trades,
          finalEquity: m.finalEquity,
          bars: result.bars,
        },
        null,
      );
      return stored;
    } catch (error) {
      const coded = isTicklineError(error)
        ? error
        : new TicklineError('STRATEGY_SANDBOX_FAILED', String(error), { cause: error });
      const status = coded.code === 'STRATEGY_RUN_CANCELLED' ? 'cancelled' : 'failed';
      await repository.failRun(
        runId,
        { code: coded.code, message: coded.message },
        new Date(clock.now()),
        status,
      );
      emit(status, null, { code: coded.code, message: coded.message });
      throw coded;
    }
  }
}
