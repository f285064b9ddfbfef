/**
 * @module The backtest routes under `/api/v1` (`/backtests…`): run and cancel need
 * `backtests:run`, reading needs `strategies:read`; another user's run is 404, and every check runs
 * before anything is queued.
 */
import { principalOf } from '@tickline/identity';
import { TicklineError, uuidv7 } from '@tickline/kernel';
import { ALL_INTERVALS } from '@tickline/market';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BacktestCurvesSchema,
  BacktestDetailSchema,
  BacktestListSchema,
  BacktestResponseSchema,
  BacktestTradesSchema,
} from '@tickline/protocol';
import { z } from 'zod';
import { resolveParams } from '../core/definition.ts';
import { backtestSettingsSchema, resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { BacktestRequest } from '../module/backtest-queue.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { assertFeedData, rangeOf, sandboxWithinTier, SandboxRequest } from './run-checks.ts';
import {
  BACKTEST_TAGS,
  DAY_MS,
  drawdownOf,
  Id,
  IdParams,
  Instant,
  routeGuards,
  runJson,
  security,
  STRATEGY_SCOPES,
} from './route-shapes.ts';

/** Adds the backtest routes to `root` (the strategy routes plugin's scope). */
export function registerBacktestRoutes(root: FastifyInstance, host: StrategyHost): void {
  const { repository, queue } = host;
  const { guarded, tierLimits } = routeGuards(host);
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/backtests',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Queue a backtest',
        description:
          'Answers 202 with the run id. Progress (`backtest.progress`) and the end (`backtest.completed`) arrive on the `user:{id}` stream channel. 429 STRATEGY_QUOTA_BACKTESTS / STRATEGY_QUOTA_CONCURRENT at the tier limits; 403 STRATEGY_TIER_LIMIT for sandbox limits above the tier.',
        tags: BACKTEST_TAGS,
        security,
        body: z
          .object({
            strategyId: Id,
            version: z.number().int().min(1).optional().describe('Default: the latest version.'),
            symbol: z.string().regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/, 'expected BASE-QUOTE, upper case'),
            interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
            from: Instant,
            to: Instant,
            exchange: z.string().min(1).max(32).optional(),
            params: z.record(z.string(), z.unknown()).default({}),
            settings: backtestSettingsSchema.optional(),
            sandbox: SandboxRequest,
          })
          .strict(),
        response: { 202: BacktestResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
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
      // The same history the run will read (the replica when configured).
      await assertFeedData(host, feedQuery);
      const now = host.clock.now();
      const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
      const request_: BacktestRequest = {
        ...feedQuery,
        params,
        settings: settingsInput,
        sandbox,
        maxBars: limits.maxBarsPerRun,
        userConcurrency: limits.concurrentJobs,
      };
      // Counted and inserted atomically: a burst of requests cannot all pass the same count.
      const created = await repository.createRunWithinQuota(
        {
          id: uuidv7(),
          userId: principal.userId,
          strategyId: body.strategyId,
          version: version.version,
          request: request_ as unknown as Record<string, unknown>,
          now: new Date(now),
        },
        {
          since: new Date(dayStart),
          perDay: principal.limits.backtestsPerDay,
          concurrent: limits.concurrentJobs,
        },
      );
      if ('exceeded' in created && created.exceeded === 'perDay') {
        reply.header('retry-after', String(Math.ceil((dayStart + DAY_MS - now) / 1000)));
        throw new TicklineError(
          'STRATEGY_QUOTA_BACKTESTS',
          `the ${principal.tier} tier runs ${principal.limits.backtestsPerDay} backtests per day`,
          {
            details: {
              limit: principal.limits.backtestsPerDay,
              resetAt: new Date(dayStart + DAY_MS).toISOString(),
            },
          },
        );
      }
      if ('exceeded' in created) {
        throw new TicklineError(
          'STRATEGY_QUOTA_CONCURRENT',
          `the ${principal.tier} tier allows ${limits.concurrentJobs} backtests at once`,
          {
            details: { limit: limits.concurrentJobs, active: created.active },
          },
        );
      }
      const run = created.run;
      queue.enqueue(run);
      reply.status(202);
      return { backtest: runJson(run) };
    },
  );

  app.get(
    '/backtests',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'Your backtests, newest first',
        tags: BACKTEST_TAGS,
        security,
        querystring: z.object({
          strategyId: Id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: BacktestListSchema },
      },
    },
    async (request) => {
      const { strategyId, limit } = request.query;
      const runs = await repository.listRuns(principalOf(request).userId, strategyId ? 200 : limit);
      const chosen = strategyId ? runs.filter((r) => r.strategyId === strategyId).slice(0, limit) : runs;
      return { backtests: chosen.map(runJson) };
    },
  );

  app.get(
    '/backtests/:id',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'A backtest: its status, and its metrics once it succeeded',
        tags: BACKTEST_TAGS,
        security,
        params: IdParams,
        response: { 200: BacktestDetailSchema },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      const run = await repository.getRun(userId, request.params.id);
      if (run.status !== 'succeeded') return { backtest: runJson(run), result: null };
      const r = await repository.getResult(userId, run.id);
      return {
        backtest: runJson(run),
        result: {
          metrics: r.metrics,
          bars: r.bars,
          tradesTruncated: r.tradesTruncated,
          logs: r.logs,
          plots: r.plots,
        },
      };
    },
  );

  const resultOf = async (userId: string, id: string) => {
    const run = await repository.getRun(userId, id);
    if (run.status !== 'succeeded') {
      throw new TicklineError('STRATEGY_RESULT_PENDING', `backtest ${id} is ${run.status}`, {
        details: { status: run.status },
      });
    }
    return repository.getResult(userId, id);
  };

  app.get(
    '/backtests/:id/trades',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'Trades of a succeeded backtest',
        tags: BACKTEST_TAGS,
        security,
        params: IdParams,
        response: { 200: BacktestTradesSchema },
      },
    },
    async (request) => {
      const r = await resultOf(principalOf(request).userId, request.params.id);
      return { trades: r.trades, truncated: r.tradesTruncated };
    },
  );

  app.get(
    '/backtests/:id/equity',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'Equity and drawdown curves of a succeeded backtest',
        description: 'Downsampled for charts to about 2,000 points: `[time ms, value]` pairs.',
        tags: BACKTEST_TAGS,
        security,
        params: IdParams,
        response: { 200: BacktestCurvesSchema },
      },
    },
    async (request) => {
      const r = await resultOf(principalOf(request).userId, request.params.id);
      return { equity: r.equity, drawdown: drawdownOf(r.equity) };
    },
  );

  app.post(
    '/backtests/:id/cancel',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Cancel a queued or running backtest',
        description: '409 STRATEGY_RUN_FINISHED once it ended.',
        tags: BACKTEST_TAGS,
        security,
        params: IdParams,
        response: { 202: BacktestResponseSchema },
      },
    },
    async (request, reply) => {
      const run = await queue.cancel(principalOf(request).userId, request.params.id);
      reply.status(202);
      return { backtest: runJson(run) };
    },
  );
}
