/**
 * @module What the strategy and backtest routes do, as functions of an authenticated principal:
 * REST's routes and GraphQL's resolvers both call these, so every check (the tier's quotas and
 * sandbox limits, the range, that the history exists) runs before anything is written or queued,
 * in one place. Inputs arrive parsed by the body schemas below, which both transports validate with.
 */
import { principalOf, requireAuthentication, requireScope, type Principal } from '@tickline/identity';
import { isTicklineError, TicklineError, uuidv7 } from '@tickline/kernel';
import { ALL_INTERVALS, latestDataVersion } from '@tickline/market';
import { ADJUST_MODES, SymbolSchema } from '@tickline/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { resolveParams } from '../core/definition.ts';
import type { BacktestRequest } from '../module/backtest-queue.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { backtestSettingsSchema, resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { RunRecord, VersionInfo } from '../versions/strategy-repository.ts';
import { backtestQuotaError, quotaDay } from './backtest-quota.ts';
import { Id, Instant, Language, Source } from './route-shapes.ts';
import { assertFeedData, rangeOf, sandboxWithinTier, SandboxRequest } from './run-checks.ts';

/** `POST /strategies/{id}/versions`. */
export const SaveVersionBody = z.object({ source: Source, language: Language }).strict();

/** `POST /backtests`. */
export const QueueBacktestBody = z
  .object({
    strategyId: Id,
    version: z.number().int().min(1).max(1_000_000).optional().describe('Default: the latest version.'),
    symbol: SymbolSchema,
    interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
    from: Instant,
    to: Instant,
    exchange: z.string().min(1).max(32).optional(),
    feeds: z
      .array(
        z
          .object({
            symbol: SymbolSchema,
            interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
            exchange: z.string().min(1).max(32).optional(),
          })
          .strict(),
      )
      .max(7)
      .optional()
      .describe(
        'More feeds the strategy reads beside `symbol`/`interval` (which stays the first and drives the run), as a live run takes several: its feeds [A, B] are `symbol`/`interval` A and `feeds` [B].',
      ),
    params: z.record(z.string(), z.unknown()).default({}),
    settings: backtestSettingsSchema.optional(),
    sandbox: SandboxRequest,
    adjust: z
      .enum(ADJUST_MODES)
      .default('none')
      .describe(
        'Candles raw (`none`), back-adjusted for splits (`split`), or for splits and cash dividends (`total`); the report records it.',
      ),
  })
  .strict();

/** The actions over a strategy host. */
export function createStrategyActions(host: StrategyHost) {
  const { repository, queue, settings } = host;
  const authenticate = requireAuthentication(host.identity);
  const tierLimits = (principal: Principal) => settings.tiers[principal.tier];
  /** What the caller's tier may store of code: taken with the version's insert (version-queries.ts). */
  const codeQuota = (principal: Principal) => ({
    maxVersions: tierLimits(principal).maxVersionsPerStrategy,
    maxBytes: tierLimits(principal).maxStoredCodeBytes,
  });
  // In a sandbox process: the server never strips or loads a user's code itself. A compile the
  // gate refuses says when to come back (`retryAfter`; REST sends it as `Retry-After`).
  const compile = async (
    source: string,
    language: 'typescript' | 'javascript',
    userId: string,
    retryAfter?: (seconds: number) => void,
  ) => {
    try {
      return await host.processes.compile(
        source,
        { language, maxBytes: settings.maxCodeBytes, params: settings.params },
        userId,
      );
    } catch (error) {
      if (isTicklineError(error) && error.code === 'STRATEGY_COMPILE_BUSY') {
        const seconds = error.details?.retryAfterSeconds;
        retryAfter?.(typeof seconds === 'number' ? seconds : 1);
      }
      throw error;
    }
  };

  /** Creates the run within the day's and the concurrent quota, and queues it. */
  const createWithinQuota = async (
    principal: Principal,
    strategyId: string,
    version: number,
    request: BacktestRequest,
    retryAfter?: (seconds: number) => void,
  ): Promise<RunRecord> => {
    const limits = tierLimits(principal);
    const now = host.clock.now();
    // Counted and inserted atomically: a burst of requests cannot all pass the same count.
    const created = await repository.createRunWithinQuota(
      {
        id: uuidv7(),
        userId: principal.userId,
        strategyId,
        version,
        request: request as unknown as Record<string, unknown>,
        now: new Date(now),
      },
      {
        since: new Date(quotaDay(now).start),
        perDay: principal.limits.backtestsPerDay,
        concurrent: limits.concurrentJobs,
      },
    );
    if ('exceeded' in created)
      throw backtestQuotaError(
        created,
        { tier: principal.tier, perDay: principal.limits.backtestsPerDay, concurrent: limits.concurrentJobs },
        now,
        retryAfter,
      );
    queue.enqueue(created.run);
    return created.run;
  };

  return {
    compile,
    tierLimits,
    codeQuota,
    /**
     * Authenticates `request` (bearer token or API key) and requires `scope`, as a guarded route's
     * preHandlers do; callers that are not routes (GraphQL's resolvers) start here.
     * @throws AUTH_UNAUTHENTICATED, AUTH_FORBIDDEN
     */
    async principal(request: FastifyRequest, scope: string): Promise<Principal> {
      await authenticate(request);
      const principal = principalOf(request);
      requireScope(principal, scope);
      return principal;
    },

    /**
     * Compiles `body.source` and saves it as the strategy's next immutable version, within the
     * tier's versions per strategy and stored source bytes.
     * @throws STRATEGY_NOT_FOUND (not the caller's), compile errors with line and column,
     *   STRATEGY_QUOTA_VERSIONS, STRATEGY_QUOTA_CODE_BYTES
     */
    async saveVersion(
      principal: Principal,
      strategyId: string,
      body: z.output<typeof SaveVersionBody>,
      retryAfter?: (seconds: number) => void,
    ): Promise<VersionInfo> {
      const userId = principal.userId;
      await repository.getStrategy(userId, strategyId);
      const compiled = await compile(body.source, body.language, userId, retryAfter);
      return repository.saveVersion({
        userId,
        strategyId,
        source: body.source,
        js: compiled.js,
        language: body.language,
        params: compiled.params,
        now: new Date(host.clock.now()),
        quota: codeQuota(principal),
      });
    },

    /**
     * Queues a backtest once every check passed. `retryAfter` hears the seconds to wait when the
     * day's quota is spent (REST sends them as `Retry-After`).
     * @throws STRATEGY_QUOTA_BACKTESTS, STRATEGY_QUOTA_CONCURRENT, STRATEGY_TIER_LIMIT,
     *   STRATEGY_RANGE_INVALID, STRATEGY_NO_DATA, MARKET_SYMBOL_NOT_FOUND, STRATEGY_NOT_FOUND
     */
    async queueBacktest(
      principal: Principal,
      body: z.output<typeof QueueBacktestBody>,
      retryAfter?: (seconds: number) => void,
    ): Promise<RunRecord> {
      const { from, to } = rangeOf(body.from, body.to);
      const limits = tierLimits(principal);
      const sandbox = sandboxWithinTier(principal, body.sandbox, limits);
      const version = await repository.getVersion(principal.userId, body.strategyId, body.version);
      const params = resolveParams(version.params, body.params);
      const settingsInput = body.settings ?? {};
      resolveBacktestSettings(settingsInput);
      const interval = body.interval as BacktestRequest['interval'];
      const feedQuery = {
        symbol: body.symbol,
        interval,
        from,
        to,
        ...(body.exchange ? { exchange: body.exchange } : {}),
      };
      const extra = (body.feeds ?? []).map((f) => ({
        ...f,
        interval: f.interval as BacktestRequest['interval'],
      }));
      // The same history the run will read (the replica when configured), every feed of it.
      await assertFeedData(host, feedQuery);
      for (const f of extra) await assertFeedData(host, { ...f, from, to });
      const request: BacktestRequest = {
        ...feedQuery,
        ...(extra.length > 0 ? { feeds: extra } : {}),
        params,
        settings: settingsInput,
        sandbox,
        maxBars: limits.maxBarsPerRun,
        userConcurrency: limits.concurrentJobs,
        adjust: body.adjust,
        // Pinned now, on the history the run reads: the report records it, a re-run reads it again.
        dataVersion: await latestDataVersion(host.reads),
      };
      return createWithinQuota(principal, body.strategyId, version.version, request, retryAfter);
    },

    /**
     * Queues the run `id` again with the same code version, parameters, settings, adjustment and
     * data version, within today's quotas: its report reproduces the first one's figures even after
     * the data was corrected (`data` and `reproduces` on `GET /backtests/{id}` show it).
     * @throws STRATEGY_NOT_FOUND (not the caller's), STRATEGY_RERUN_UNPINNED, STRATEGY_TIER_LIMIT,
     *   STRATEGY_QUOTA_BACKTESTS, STRATEGY_QUOTA_CONCURRENT
     */
    async rerunBacktest(principal: Principal, id: string, retryAfter?: (seconds: number) => void): Promise<RunRecord> {
      const first = await repository.getRun(principal.userId, id);
      const asked = first.request as unknown as BacktestRequest;
      if (asked.dataVersion === undefined) {
        throw new TicklineError('STRATEGY_RERUN_UNPINNED', `backtest ${id} did not pin its data`, {
          details: { backtestId: id },
        });
      }
      const limits = tierLimits(principal);
      const request: BacktestRequest = {
        ...asked,
        sandbox: sandboxWithinTier(principal, asked.sandbox, limits),
        maxBars: limits.maxBarsPerRun,
        userConcurrency: limits.concurrentJobs,
        rerunOf: asked.rerunOf ?? id,
      };
      return createWithinQuota(principal, first.strategyId, first.version, request, retryAfter);
    },

    /** A succeeded run's result. @throws STRATEGY_RESULT_PENDING while it has none */
    async result(userId: string, id: string) {
      const run = await repository.getRun(userId, id);
      if (run.status !== 'succeeded') {
        throw new TicklineError('STRATEGY_RESULT_PENDING', `backtest ${id} is ${run.status}`, {
          details: { status: run.status },
        });
      }
      return repository.getResult(userId, id);
    },
  };
}

export type StrategyActions = ReturnType<typeof createStrategyActions>;
