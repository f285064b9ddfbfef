/**
 * @module The live-trading routes under `/api/v1` (an encapsulated Fastify plugin, zod schemas
 * inline): portfolios with positions and working orders, manual paper orders (place with an
 * `Idempotency-Key`, cancel), order and equity history, the kill switch (engage, release) and risk limits (read, change; both audited), and live strategy runs
 * (enable with params, status with last signals and logs, pause, resume, stop). Every route is
 * scoped by the caller: another user's portfolio or run is 404. Input is checked before anything happens — a non-finite or negative
 * quantity, a malformed symbol, a missing price is 400 and changes nothing; an order the venue or
 * a risk limit refuses is an `order.rejected` (answered 422 with the reason).
 */
import { TicklineError } from '@tickline/kernel';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BrokerError, BrokerErrorCodes } from '../broker/errors.ts';
import { StrategyErrorCodes } from '@tickline/strategy';
import { LiveErrorCodes } from '../live/errors.ts';
import { ParityErrorCodes } from '../parity/errors.ts';
import type { LiveRunStatus, LiveStrategySpec } from '../live/live-runner.ts';
import type { RiskChange } from '../risk/risk-controls.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import {
  ApiKeyScope,
  CandleIntervalSchema,
  EQUITY_RANGES,
  EquityHistoryResponseSchema,
  ErrorBodySchema,
  LiveLogsResponseSchema,
  LiveRunResponseSchema,
  LiveRunsResponseSchema,
  LiveSignalsResponseSchema,
  OrderResponseSchema,
  OrderSchema,
  OrdersResponseSchema,
  ParityQuerySchema,
  ParityReportResponseSchema,
  PortfolioResponseSchema,
  PortfolioRiskResponseSchema,
  PortfoliosResponseSchema,
  RiskLimitsResponseSchema,
  UpdateRiskLimitsBodySchema,
} from '@tickline/protocol';
import {
  type AdminMay,
  createLiveActions,
  IdempotencyKey,
  LiveSymbol,
  PlaceOrderBody,
  rejectionOf,
} from './live-actions.ts';

import { exitRoutes } from './exit-routes.ts';
import { resultsRoutes } from './results-routes.ts';
import type { LiveCaller, LiveRoutesOptions } from './live-options.ts';
import { declaredCallers } from './route-support.ts';
export type { LiveCaller, LiveRoutesOptions, SharedLiveRuns } from './live-options.ts';

const PortfolioParams = z.object({ portfolioId: z.string().min(1).max(100) });
const RunParams = z.object({ id: z.string().min(1).max(200) });
/** What `POST /live-strategies` takes. */
const EnableBody = z.strictObject({
  strategyId: z.string().min(1).max(100),
  version: z.int().positive().max(1_000_000),
  portfolioId: z.string().min(1).max(100),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  feeds: z
    .array(z.strictObject({ symbol: LiveSymbol, interval: CandleIntervalSchema }))
    .min(1)
    .max(8),
  warmupBars: z.int().min(0).max(5_000).default(200),
});

/** Rows a history answers with at most. */
const Limit = z.coerce.number().int().min(1).max(1_000).default(200);

/** See the module comment. */
export const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (fastify, o) => {
  // Each route declares its scope; the same declaration names the caller, whose `admin` decides
  // what they may do in portfolios that are not theirs.
  const callerOf = declaredCallers(fastify, o.authenticate);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // The catalogues these routes throw from, named so they are registered with the kernel.
  void [LiveErrorCodes, StrategyErrorCodes, BrokerErrorCodes, ParityErrorCodes];

  // What each handler does is in live-actions.ts, which GraphQL's resolvers call too.
  const actions = createLiveActions(o);
  const owned = async (
    request: FastifyRequest,
    portfolioId: string,
    admin: AdminMay,
  ): Promise<LiveCaller> => {
    const caller = await callerOf(request);
    await actions.owned(caller, portfolioId, admin);
    return caller;
  };
  const runOf = async (request: FastifyRequest, id: string, admin: AdminMay) =>
    actions.run(await callerOf(request), id, admin);
  const { listRuns, summary } = actions;

  app.get(
    '/portfolios',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: { summary: 'Your portfolios', response: { 200: PortfoliosResponseSchema } },
    },
    async (request) => {
      const caller = await callerOf(request);
      return { portfolios: (await o.portfoliosOf(caller.userId)).map(summary) };
    },
  );

  app.get(
    '/portfolios/:portfolioId',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: { params: PortfolioParams, response: { 200: PortfolioResponseSchema } },
    },
    async (request) => {
      await owned(request, request.params.portfolioId, 'oversee');
      const id = request.params.portfolioId;
      return { ...summary(id), positions: o.books.positions(id) };
    },
  );

  app.get(
    '/portfolios/:portfolioId/equity',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        params: PortfolioParams,
        querystring: z.object({
          limit: Limit,
          range: z
            .enum(EQUITY_RANGES)
            .optional()
            .describe(
              'The last day, week or month, one point per bucket; without it the latest `limit` points.',
            ),
        }),
        response: { 200: EquityHistoryResponseSchema },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      const { limit, range } = request.query;
      const window = range === undefined ? { limit } : { range };
      return { points: await actions.equity(caller, request.params.portfolioId, window) };
    },
  );

  app.get(
    '/portfolios/:portfolioId/orders',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: 'Working orders, or with status=all every order (last changed first)',
        params: PortfolioParams,
        querystring: z.object({ status: z.enum(['open', 'all']).default('open'), limit: Limit }),
        response: { 200: OrdersResponseSchema },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      const { status, limit } = request.query;
      return { orders: await actions.orders(caller, request.params.portfolioId, status, limit) };
    },
  );

  app.post(
    '/portfolios/:portfolioId/orders',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Place a manual order (at the paper venue, or the exchange the portfolio is bound to)',
        params: PortfolioParams,
        headers: z.object({ 'idempotency-key': IdempotencyKey }),
        body: PlaceOrderBody,
        response: {
          201: OrderResponseSchema,
          // A refusal carries the rejected order and the API's error shape; a reused
          // Idempotency-Key with another body, the error alone.
          422: ErrorBodySchema.extend({ order: OrderSchema.optional() }),
        },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(request);
      const { portfolioId } = request.params;
      const key = request.headers['idempotency-key'];
      const order = await actions.placeOrder(caller, portfolioId, key, request.body);
      const error = rejectionOf(order);
      // A refusal is a fact, not a failure: the answer carries the order, and the API's error
      // shape so a caller reading only `error.code` sees the reason too.
      return error === undefined
        ? reply.status(201).send({ order })
        : reply.status(422).send({ order, error });
    },
  );

  app.delete(
    '/portfolios/:portfolioId/orders/:clientOrderId',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams.extend({ clientOrderId: z.string().min(1).max(36) }),
        querystring: z.object({ symbol: LiveSymbol }),
        response: { 200: OrderResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId, clientOrderId } = request.params;
      const { symbol } = request.query;
      return {
        order: await actions.cancelOrder(await callerOf(request), { portfolioId, clientOrderId, symbol }),
      };
    },
  );

  const changeBy = (caller: LiveCaller, reason: string): RiskChange => ({
    // An admin's hand is the admin hand even on their own portfolio: only an admin lifts it.
    actor: caller.admin ? 'admin' : 'user',
    by: caller.userId,
    at: Date.now(),
    reason,
  });

  app.get(
    '/portfolios/:portfolioId/risk',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: { params: PortfolioParams, response: { 200: PortfolioRiskResponseSchema } },
    },
    async (request) => actions.risk(await callerOf(request), request.params.portfolioId),
  );

  app.put(
    '/portfolios/:portfolioId/risk-limits',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams,
        body: UpdateRiskLimitsBodySchema,
        response: { 200: RiskLimitsResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      const caller = await owned(request, portfolioId, 'own');
      const { reason, ...changed } = request.body;
      const limits = RiskLimitsSchema.parse({ ...(await o.risk.riskLimits(portfolioId)), ...changed });
      await o.risk.setLimits(portfolioId, limits, changeBy(caller, reason));
      return { limits };
    },
  );

  // The kill switch's routes (engage with a halt proof, release, scopes) are in halt-routes.ts.

  /** Enables a run of `body` for `caller` (admitted; the gate first). */
  const enable = async (caller: LiveCaller, body: z.output<typeof EnableBody>): Promise<LiveRunStatus> => {
    // Every tier's runs pass the gate when the operator requires it; an admin's own do not.
    if (!caller.admin) await o.promotionGate?.(caller.userId, body.strategyId, body.version, body.feeds);
    const id = `${body.portfolioId}:${body.strategyId}`;
    // Counted over every process's runs: the limit is the user's, not this process's.
    const running = (await listRuns(caller.userId)).filter((r) => r.state === 'running' && r.id !== id);
    const max = await o.maxLive(caller.userId);
    if (running.length >= max)
      throw new TicklineError(
        'STRATEGY_LIVE_LIMIT',
        `${running.length} live strategies running (limit ${max})`,
        {
          details: { limit: max },
        },
      );
    const spec: LiveStrategySpec = {
      id,
      strategyId: body.strategyId,
      version: body.version,
      userId: caller.userId,
      portfolioId: body.portfolioId,
      params: { ...(await o.paramDefaults?.(caller.userId, body.strategyId, body.version)), ...body.params },
      feeds: body.feeds,
      settings: o.settings(caller.userId),
      warmupBars: body.warmupBars,
    };
    return o.runner.enable(spec);
  };

  app.post(
    '/live-strategies',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Run a strategy version live on a portfolio',
        body: EnableBody,
        response: { 201: LiveRunResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const caller = await owned(request, body.portfolioId, 'own');
      for (const f of body.feeds)
        if (!o.symbols.has(f.symbol))
          throw new BrokerError('STRATEGY_BROKER_REQUEST_INVALID', `unknown symbol ${f.symbol}`, {
            details: { symbol: f.symbol },
          });
      if (!(await o.versionExists(caller.userId, body.strategyId, body.version)))
        throw new TicklineError(
          'STRATEGY_NOT_FOUND',
          `no strategy ${body.strategyId} version ${body.version}`,
        );
      // One enable or resume of an account at a time, a few a minute: each holds its owner's
      // live sandbox process while the module loads (enable-gate.ts).
      const run = await actions.admit(caller.userId, 'enable', () => enable(caller, body));
      return reply.status(201).send({ run });
    },
  );

  app.get(
    '/live-strategies',
    { config: { scope: ApiKeyScope.PortfolioRead }, schema: { response: { 200: LiveRunsResponseSchema } } },
    async (request) => {
      const caller = await callerOf(request);
      return { runs: await listRuns(caller.userId) };
    },
  );

  app.get(
    '/live-strategies/:id',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: { params: RunParams, response: { 200: LiveRunResponseSchema } },
    },
    async (request) => ({
      run: await runOf(request, request.params.id, 'oversee'),
    }),
  );

  app.get(
    '/live-strategies/:id/signals',
    {
      config: { scope: ApiKeyScope.SignalsRead },
      schema: { params: RunParams, response: { 200: LiveSignalsResponseSchema } },
    },
    async (request) => ({
      signals: (await runOf(request, request.params.id, 'oversee')).lastSignals,
    }),
  );

  app.get(
    '/live-strategies/:id/logs',
    {
      config: { scope: ApiKeyScope.SignalsRead },
      schema: { params: RunParams, response: { 200: LiveLogsResponseSchema } },
    },
    async (request) => ({
      logs: (await runOf(request, request.params.id, 'oversee')).logs,
    }),
  );

  if (o.parity !== undefined) {
    const parity = o.parity;
    app.get(
      '/live-strategies/:id/parity',
      {
        config: { scope: ApiKeyScope.PortfolioRead },
        schema: {
          description:
            "The run's candles replayed through the backtest engine with its version (or `version`), parameters and settings, every decision beside the live one, the first divergence marked.",
          params: RunParams,
          querystring: ParityQuerySchema,
          response: { 200: ParityReportResponseSchema },
        },
      },
      async (request) => ({
        parity: await parity(await runOf(request, request.params.id, 'oversee'), request.query.version),
      }),
    );
  }

  app.post(
    '/live-strategies/:id/pause',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 200: LiveRunResponseSchema } },
    },
    async (request) => ({ run: await actions.pause(await callerOf(request), request.params.id) }),
  );

  app.post(
    '/live-strategies/:id/resume',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 200: LiveRunResponseSchema } },
    },
    async (request) => ({ run: await actions.resume(await callerOf(request), request.params.id) }),
  );

  exitRoutes(fastify, callerOf, actions);
  resultsRoutes(fastify, callerOf, actions, o);

  app.delete(
    '/live-strategies/:id',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 204: z.null().describe('No content') } },
    },
    async (request, reply) => {
      await actions.stop(await callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
