/**
 * @module The backtest routes under `/api/v1` (`/backtests…`): run and cancel need
 * `backtests:run`, reading needs `strategies:read`; another user's run is 404, and every check runs
 * before anything is queued.
 */
import { principalOf } from '@tickline/identity';
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
import type { StrategyHost } from '../module/strategy-host.ts';
import {
  BACKTEST_TAGS,
  drawdownOf,
  Id,
  IdParams,
  routeGuards,
  runJson,
  security,
  STRATEGY_SCOPES,
} from './route-shapes.ts';
import { createStrategyActions, QueueBacktestBody } from './strategy-actions.ts';
import { provenanceOf } from './run-provenance.ts';

/** Adds the backtest routes to `root` (the strategy routes plugin's scope). */
export function registerBacktestRoutes(root: FastifyInstance, host: StrategyHost): void {
  const { repository, queue } = host;
  const { guarded } = routeGuards(host);
  // What the handlers do is in strategy-actions.ts, which GraphQL's resolvers call too.
  const actions = createStrategyActions(host);
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
        body: QueueBacktestBody,
        response: { 202: BacktestResponseSchema },
      },
    },
    async (request, reply) => {
      const retryAfter = (seconds: number) => void reply.header('retry-after', String(seconds));
      const run = await actions.queueBacktest(principalOf(request), request.body, retryAfter);
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
      if (run.status !== 'succeeded')
        return { backtest: runJson(run), result: null, data: null, changedSince: [], reproduces: null };
      const r = await repository.getResult(userId, run.id);
      return {
        backtest: runJson(run),
        ...(await provenanceOf(host, run, r)),
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

  const resultOf = (userId: string, id: string) => actions.result(userId, id);

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
    '/backtests/:id/rerun',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Run a backtest again on the data it read',
        description:
          'Queues a new run with the same code version, parameters, settings, adjustment and data version (202). Its detail says whether it reproduced the first run (`reproduces`). 409 STRATEGY_RERUN_UNPINNED for a run from before data versions; the quotas of `POST /backtests` apply.',
        tags: BACKTEST_TAGS,
        security,
        params: IdParams,
        response: { 202: BacktestResponseSchema },
      },
    },
    async (request, reply) => {
      const retryAfter = (seconds: number) => void reply.header('retry-after', String(seconds));
      const run = await actions.rerunBacktest(principalOf(request), request.params.id, retryAfter);
      reply.status(202);
      return { backtest: runJson(run) };
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
