/**
 * @module The live-trading routes under `/api/v1` (an encapsulated Fastify plugin, zod schemas
 * inline): portfolios with positions and working orders, manual paper orders (place with an
 * `Idempotency-Key`, cancel), order and equity history, the kill switch (engage, release) and risk limits (read, change; both audited), and live strategy runs
 * (enable with params, status with last signals and logs, pause, resume, stop). Every route is
 * scoped by the caller: another user's portfolio or run is 404. Input is checked before anything happens — a non-finite or negative
 * quantity, a malformed symbol, a missing price is 400 and changes nothing; an order the venue or
 * a risk limit refuses is an `order.rejected` (answered 422 with the reason).
 */
import { listErrorCodes, TicklineError } from '@tickline/kernel';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { manualClientOrderId } from '../broker/client-order-id.ts';
import { BrokerError, BrokerErrorCodes, type BrokerErrorCode } from '../broker/errors.ts';
import { StrategyErrorCodes } from '../core/errors.ts';
import type { OrderDesk } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { Order } from '../broker/order.ts';
import type { EngineSettings } from '../core/types.ts';
import { LiveErrorCodes } from '../live/errors.ts';
import { ADMIN_PAUSE_CODE } from '../live/live-admin-responder.ts';
import type { LiveRunner, LiveRunStatus, LiveStrategySpec } from '../live/live-runner.ts';
import type { EquityPoint } from '../portfolio/equity-history.ts';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import type { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { isKillSwitchEngaged, type KillSwitchState } from '../risk/kill-switch.ts';
import { engagementOf, type RiskChange } from '../risk/risk-controls.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import {
  ApiKeyScope,
  EquityHistoryResponseSchema,
  ErrorBodySchema,
  KillSwitchBodySchema,
  KillSwitchStateResponseSchema,
  LiveLogsResponseSchema,
  LiveRunResponseSchema,
  LiveRunsResponseSchema,
  LiveSignalsResponseSchema,
  OrderResponseSchema,
  OrderSchema,
  OrdersResponseSchema,
  PortfolioResponseSchema,
  PortfolioRiskResponseSchema,
  PortfoliosResponseSchema,
  RiskLimitsResponseSchema,
  UpdateRiskLimitsBodySchema,
} from '@tickline/protocol';

/** Who is calling (the composition root maps identity's principal onto it). */
export interface LiveCaller {
  userId: string;
  admin: boolean;
}

/** Options of {@link liveRoutes}. */
export interface LiveRoutesOptions {
  runner: LiveRunner;
  desk: OrderDesk;
  journal: OrderJournal;
  books: CorePortfolioLedger;
  /** The kill switch and limits every process shares (the order desk's risk view). */
  risk: LedgerRiskView;
  /**
   * The caller, or a thrown 401 (identity's authentication), or a 403 when the credential lacks
   * `scope` — the scope the route declared (`config.scope`).
   */
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>;
  /** The owner of a portfolio (the account's user), undefined when unknown. */
  ownerOf: (portfolioId: string) => Promise<string | undefined>;
  /** Portfolio ids of a user. */
  portfoliosOf: (userId: string) => Promise<string[]>;
  /** True when the user may run this strategy version (theirs, and it exists). */
  versionExists: (userId: string, strategyId: string, version: number) => Promise<boolean>;
  /** Live runs at once the user's tier allows. */
  maxLive: (userId: string) => Promise<number>;
  /** Throws STRATEGY_GATE_REFUSED when the version may not run live yet (the promotion gate). */
  promotionGate?: (userId: string, strategyId: string, version: number) => Promise<void>;
  /** Engine settings of live runs (fees and slippage of the paper venue). */
  settings: (userId: string) => EngineSettings;
  /** Tradable symbols. */
  symbols: ReadonlySet<string>;
  /**
   * A portfolio's equity history, oldest first (the projection's `portfolio_equity`); without it
   * the history is empty (an embedded test app with no SQL read model).
   */
  equityHistory?: (portfolioId: string, limit: number) => Promise<EquityPoint[]>;
  /**
   * Runs as every runner process sees them (the live store): listed, read and controlled whichever
   * process runs them. Without it (one process, tests) the local runner answers alone.
   */
  shared?: SharedLiveRuns;
}

/** The enabled runs in shared state (see `LiveRoutesOptions.shared`). */
export interface SharedLiveRuns {
  /** A user's runs, with the local runner's counters where this process runs them. */
  list(userId: string): Promise<LiveRunStatus[]>;
  get(id: string): Promise<LiveRunStatus | undefined>;
  /** Pauses a run another process runs (it stops at that process's next sync). */
  pause(id: string, code: string, reason: string): Promise<LiveRunStatus | undefined>;
  /** Resumes a run another process runs, from the next candle (paused candles are not replayed). */
  resume(id: string): Promise<LiveRunStatus | undefined>;
  /** Forgets a run everywhere. */
  stop(id: string): Promise<void>;
}

const Symbol_ = z.string().regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/);
const Quantity = z.number().finite().positive();
const PortfolioParams = z.object({ portfolioId: z.string().min(1).max(100) });
const RunParams = z.object({ id: z.string().min(1).max(200) });
/** Rows a history answers with at most. */
const Limit = z.coerce.number().int().min(1).max(1_000).default(200);

function notFound(what: 'portfolio' | 'run', id: string): TicklineError {
  return what === 'portfolio'
    ? new TicklineError('STRATEGY_PORTFOLIO_NOT_FOUND', `no portfolio ${id}`, {
        details: { portfolioId: id },
      })
    : new TicklineError('STRATEGY_LIVE_NOT_FOUND', `no live strategy ${id}`, { details: { id } });
}

/** True when `order` is what `body` asks for (a reused Idempotency-Key must carry the same body). */
function sameOrder(
  order: Order,
  body: { symbol: string; side: string; type: string; quantity: number; price?: number | undefined },
): boolean {
  return (
    order.symbol === body.symbol &&
    order.side === body.side &&
    order.type === body.type &&
    order.quantity === body.quantity &&
    order.price === body.price
  );
}

/** The switch as the API shows it. */
function killSwitchView(state: KillSwitchState) {
  return { engaged: isKillSwitchEngaged(state), ...state };
}

/** What an admin may do in a portfolio that is not theirs (see `allowed` in {@link liveRoutes}). */
type AdminMay = 'oversee' | 'own';

/** See the module comment. */
export const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (fastify, o) => {
  // Each route declares its scope (`config.scope`); the gateway authorizes it for every request
  // before the input is read. Here the same declaration names the caller, whose `admin` decides
  // what they may do in portfolios that are not theirs.
  const callers = new WeakMap<FastifyRequest, LiveCaller>();
  fastify.addHook('onRoute', (route) => {
    const scope = (route.config as { scope?: ApiKeyScope } | undefined)?.scope;
    if (scope === undefined) throw new Error(`${String(route.method)} ${route.url} declares no scope`);
    const identify = async (request: FastifyRequest) => {
      callers.set(request, await o.authenticate(request, scope));
    };
    const existing = route.preValidation;
    route.preValidation = [identify, ...(existing === undefined ? [] : [existing].flat())];
  });
  /** The caller the route's own preValidation authenticated. */
  const callerOf = async (request: FastifyRequest): Promise<LiveCaller> => callers.get(request)!;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // The catalogues these routes throw from, named so they are registered with the kernel.
  void [LiveErrorCodes, StrategyErrorCodes, BrokerErrorCodes];
  const statusOf = new Map(listErrorCodes().map((c) => [c.code, c.httpStatus]));
  // Coded errors answer with their catalogue status; zod failures are 400 with the issues. The body
  // is the API's error shape (`{ error: { code, message, details } }`) that the SDK parses.
  app.setErrorHandler((error: unknown, _request, reply) => {
    const e = error as { code?: string; message?: string; validation?: unknown; statusCode?: number };
    const send = (status: number, code: string, message: string, details?: unknown) =>
      reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
    if (e.validation !== undefined)
      return send(400, 'HTTP_BAD_REQUEST', e.message ?? 'invalid request', { issues: e.validation });
    if (error instanceof TicklineError)
      return send(statusOf.get(error.code) ?? 500, error.code, error.message, error.details);
    return send(e.statusCode ?? 500, e.code ?? 'HTTP_INTERNAL', e.message ?? 'request failed');
  });

  /**
   * The caller, when `ownerId` is theirs or they are an admin and `admin` allows what they ask:
   * `oversee` (read, pause, the kill switch) but never `own` (trade, limits, start or stop runs).
   * Anyone else learns nothing: 404.
   */
  const allowed = async (
    request: FastifyRequest,
    ownerId: string | undefined,
    admin: AdminMay,
    missing: () => TicklineError,
  ): Promise<LiveCaller> => {
    const caller = await callerOf(request);
    if (ownerId === undefined || (ownerId !== caller.userId && !caller.admin)) throw missing();
    if (ownerId !== caller.userId && admin === 'own')
      throw new TicklineError(
        'STRATEGY_OWNER_ONLY',
        'only the owner may do this; admins may read, pause and engage the kill switch',
        {
          details: { ownerId },
        },
      );
    return caller;
  };
  const owned = async (request: FastifyRequest, portfolioId: string, admin: AdminMay): Promise<LiveCaller> =>
    allowed(request, await o.ownerOf(portfolioId), admin, () => notFound('portfolio', portfolioId));
  const runOf = async (request: FastifyRequest, id: string, admin: AdminMay) => {
    const status = o.runner.status(id) ?? (await o.shared?.get(id));
    await allowed(request, status?.userId, admin, () => notFound('run', id));
    return status!;
  };
  const listRuns = async (userId: string): Promise<LiveRunStatus[]> =>
    o.shared !== undefined ? o.shared.list(userId) : o.runner.list().filter((r) => r.userId === userId);
  const summary = (portfolioId: string) => ({
    portfolioId,
    cash: o.books.cash(portfolioId),
    equity: o.books.equity(portfolioId),
    dayStartEquity: o.books.dayStartEquity(portfolioId),
  });

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
        querystring: z.object({ limit: Limit }),
        response: { 200: EquityHistoryResponseSchema },
      },
    },
    async (request) => {
      await owned(request, request.params.portfolioId, 'oversee');
      const points = (await o.equityHistory?.(request.params.portfolioId, request.query.limit)) ?? [];
      return { points };
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
      await owned(request, request.params.portfolioId, 'oversee');
      const id = request.params.portfolioId;
      return {
        orders:
          request.query.status === 'all'
            ? await o.journal.recent(id, request.query.limit)
            : await o.journal.working(id),
      };
    },
  );

  app.post(
    '/portfolios/:portfolioId/orders',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Place a manual paper order',
        params: PortfolioParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(100) }),
        body: z
          .strictObject({
            symbol: Symbol_,
            side: z.enum(['buy', 'sell']),
            type: z.enum(['market', 'limit', 'stop']).default('market'),
            quantity: Quantity,
            price: Quantity.optional(),
          })
          .refine((b) => (b.type === 'market') === (b.price === undefined), {
            message: 'limit and stop orders need a price; market orders take none',
            path: ['price'],
          }),
        response: {
          201: OrderResponseSchema,
          // A refusal carries the rejected order and the API's error shape; a reused
          // Idempotency-Key with another body, the error alone.
          422: ErrorBodySchema.extend({ order: OrderSchema.optional() }),
        },
      },
    },
    async (request, reply) => {
      const caller = await owned(request, request.params.portfolioId, 'own');
      const { symbol, side, type, quantity, price } = request.body;
      const order = await o.desk.place({
        portfolioId: request.params.portfolioId,
        clientOrderId: manualClientOrderId(caller.userId, request.headers['idempotency-key']),
        symbol,
        side,
        type,
        quantity,
        ...(price === undefined ? {} : { price }),
        origin: { kind: 'manual', userId: caller.userId },
      });
      // A reused key answers with its first order: only a retry of the same body may get it.
      if (!sameOrder(order, { symbol, side, type, quantity, price }))
        throw new BrokerError(
          'STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used for a different order',
          { details: { clientOrderId: order.clientOrderId } },
        );
      if (order.status !== 'rejected') return reply.status(201).send({ order });
      // A refusal is a fact, not a failure: the answer carries the order, and the API's error
      // shape so a caller reading only `error.code` sees the reason too.
      return reply.status(422).send({
        order,
        error: {
          code: 'STRATEGY_BROKER_ORDER_REJECTED' satisfies BrokerErrorCode,
          message: order.detail ?? `order rejected: ${order.rejectReason}`,
          details: { reason: order.rejectReason, clientOrderId: order.clientOrderId },
        },
      });
    },
  );

  app.delete(
    '/portfolios/:portfolioId/orders/:clientOrderId',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams.extend({ clientOrderId: z.string().min(1).max(36) }),
        querystring: z.object({ symbol: Symbol_ }),
        response: { 200: OrderResponseSchema },
      },
    },
    async (request) => {
      await owned(request, request.params.portfolioId, 'own');
      const { portfolioId, clientOrderId } = request.params;
      return {
        order: await o.desk.cancel(
          { portfolioId, clientOrderId, symbol: request.query.symbol },
          'cancelled by the owner',
        ),
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
    async (request) => {
      const { portfolioId } = request.params;
      await owned(request, portfolioId, 'oversee');
      const [stored, audit] = await Promise.all([
        o.risk.controls.read(portfolioId),
        o.risk.controls.audit(portfolioId, 50),
      ]);
      return {
        killSwitch: killSwitchView(stored.killSwitch),
        limits: stored.limits ?? o.risk.defaults,
        defaults: o.risk.defaults,
        custom: stored.limits !== undefined,
        audit: audit.map(({ portfolioId: _p, ...entry }) => entry),
      };
    },
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

  app.post(
    '/portfolios/:portfolioId/kill-switch',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams,
        body: KillSwitchBodySchema,
        response: { 200: KillSwitchStateResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      const change = changeBy(await owned(request, portfolioId, 'oversee'), request.body.reason);
      // Stored (and audited) first: every process refuses from its next read, this one at once.
      await o.risk.engageKillSwitch(portfolioId, change);
      const cancelled = await o.runner.killSwitch(portfolioId, change.actor, engagementOf(change));
      const killSwitch = killSwitchView(await o.risk.killSwitch(portfolioId));
      return { cancelled: cancelled.length, killSwitch };
    },
  );

  app.post(
    '/portfolios/:portfolioId/kill-switch/release',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams,
        body: KillSwitchBodySchema,
        response: { 200: KillSwitchStateResponseSchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      const change = changeBy(await owned(request, portfolioId, 'oversee'), request.body.reason);
      // Lifts the caller's own hand only: an owner cannot undo an admin's stop. Paused runs stay
      // paused until their owner resumes them.
      const state = await o.risk.releaseKillSwitch(portfolioId, change);
      return { cancelled: 0, killSwitch: killSwitchView(state) };
    },
  );

  app.post(
    '/live-strategies',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Run a strategy version live on a portfolio',
        body: z.strictObject({
          strategyId: z.string().min(1).max(100),
          version: z.int().positive(),
          portfolioId: z.string().min(1).max(100),
          params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
          feeds: z
            .array(z.strictObject({ symbol: Symbol_, interval: z.enum(['1m', '5m', '15m', '1h', '1d']) }))
            .min(1)
            .max(8),
          warmupBars: z.int().min(0).max(5_000).default(200),
        }),
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
      await o.promotionGate?.(caller.userId, body.strategyId, body.version);
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
        params: body.params,
        feeds: body.feeds,
        settings: o.settings(caller.userId),
        warmupBars: body.warmupBars,
      };
      return reply.status(201).send({ run: await o.runner.enable(spec) });
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

  // Where this process runs the run, its runner acts; elsewhere the shared state is changed and
  // the process that runs it follows at its next sync.
  const local = (id: string) => o.runner.status(id) !== undefined;
  /** The run after a change; gone meanwhile (stopped elsewhere) answers as a missing one. */
  const still = (id: string, run: LiveRunStatus | undefined): { run: LiveRunStatus } => {
    if (run === undefined) throw notFound('run', id);
    return { run };
  };
  app.post(
    '/live-strategies/:id/pause',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 200: LiveRunResponseSchema } },
    },
    async (request) => {
      const run = await runOf(request, request.params.id, 'oversee');
      const id = run.id;
      const [code, reason] =
        run.userId === (await callerOf(request)).userId
          ? ['user', 'paused by the owner']
          : [ADMIN_PAUSE_CODE, 'paused by an admin'];
      return still(
        id,
        local(id) ? o.runner.pause(id, code, reason) : await o.shared?.pause(id, code, reason),
      );
    },
  );

  app.post(
    '/live-strategies/:id/resume',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 200: LiveRunResponseSchema } },
    },
    async (request) => {
      const id = (await runOf(request, request.params.id, 'own')).id;
      return still(id, local(id) ? await o.runner.resume(id) : await o.shared?.resume(id));
    },
  );

  app.delete(
    '/live-strategies/:id',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: { params: RunParams, response: { 204: z.null().describe('No content') } },
    },
    async (request, reply) => {
      const id = (await runOf(request, request.params.id, 'own')).id;
      if (local(id)) await o.runner.stop(id);
      else await o.shared?.stop(id);
      return reply.status(204).send(null);
    },
  );
};
