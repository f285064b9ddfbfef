/**
 * @module What the live-trading routes do, as functions of an authenticated caller: REST's routes
 * (live-routes.ts) and GraphQL's resolvers both call these, so the owner rule (another user's
 * portfolio or run is not found), the order checks and the local-or-shared control of a run are
 * written once. Inputs arrive parsed by the schemas below, which both transports validate with.
 */
import { TicklineError } from '@tickline/kernel';
import { z } from 'zod';
import { manualClientOrderId } from '../broker/client-order-id.ts';
import { BrokerError, type BrokerErrorCode } from '../broker/errors.ts';
import type { Order } from '../broker/order.ts';
import type { LiveRunStatus } from '../live/live-runner.ts';
import { isKillSwitchEngaged, type KillSwitchState } from '../risk/kill-switch.ts';
import type { LiveCaller, LiveRoutesOptions } from './live-options.ts';

export const LiveSymbol = z.string().regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/);
const Quantity = z.number().finite().positive();

/** A manual paper order, as `POST /portfolios/{id}/orders` takes it. */
export const PlaceOrderBody = z
  .strictObject({
    symbol: LiveSymbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop']).default('market'),
    quantity: Quantity,
    price: Quantity.optional(),
  })
  .refine((b) => (b.type === 'market') === (b.price === undefined), {
    message: 'limit and stop orders need a price; market orders take none',
    path: ['price'],
  });
export type PlaceOrderBodyInput = z.output<typeof PlaceOrderBody>;

/** The `Idempotency-Key` a manual order carries. */
export const IdempotencyKey = z.string().min(1).max(100);

/** What a refused order answers beside it: the API's error shape, so `error.code` tells the reason. */
export interface OrderRejection {
  code: BrokerErrorCode;
  message: string;
  details: { reason: string | undefined; clientOrderId: string };
}

function notFound(what: 'portfolio' | 'run', id: string): TicklineError {
  return what === 'portfolio'
    ? new TicklineError('STRATEGY_PORTFOLIO_NOT_FOUND', `no portfolio ${id}`, {
        details: { portfolioId: id },
      })
    : new TicklineError('STRATEGY_LIVE_NOT_FOUND', `no live strategy ${id}`, { details: { id } });
}

/** True when `order` is what `body` asks for (a reused Idempotency-Key must carry the same body). */
function sameOrder(order: Order, body: PlaceOrderBodyInput): boolean {
  return (
    order.symbol === body.symbol &&
    order.side === body.side &&
    order.type === body.type &&
    order.quantity === body.quantity &&
    order.price === body.price
  );
}

/** The switch as the API shows it. */
export function killSwitchView(state: KillSwitchState) {
  return { engaged: isKillSwitchEngaged(state), ...state };
}

/** The actions over `o` (the live-trading parts of this process). */
export function createLiveActions(o: LiveRoutesOptions) {
  const owned = async (caller: LiveCaller, portfolioId: string): Promise<void> => {
    const owner = await o.ownerOf(portfolioId);
    if (owner === undefined || (owner !== caller.userId && !caller.admin))
      throw notFound('portfolio', portfolioId);
  };
  const run = async (caller: LiveCaller, id: string): Promise<LiveRunStatus> => {
    const status = o.runner.status(id) ?? (await o.shared?.get(id));
    if (status === undefined || (status.userId !== caller.userId && !caller.admin)) throw notFound('run', id);
    return status;
  };
  // Where this process runs the run, its runner acts; elsewhere the shared state is changed and
  // the process that runs it follows at its next sync.
  const local = (id: string) => o.runner.status(id) !== undefined;

  return {
    /** @throws STRATEGY_PORTFOLIO_NOT_FOUND unless the caller owns it (or is an admin) */
    owned,
    /** @throws STRATEGY_LIVE_NOT_FOUND unless the caller owns the run (or is an admin) */
    run,
    /** A user's runs, over every process's where runs are shared. */
    listRuns: async (userId: string): Promise<LiveRunStatus[]> =>
      o.shared !== undefined ? o.shared.list(userId) : o.runner.list().filter((r) => r.userId === userId),
    summary: (portfolioId: string) => ({
      portfolioId,
      cash: o.books.cash(portfolioId),
      equity: o.books.equity(portfolioId),
      dayStartEquity: o.books.dayStartEquity(portfolioId),
    }),
    positions: (portfolioId: string) => o.books.positions(portfolioId),
    async equity(caller: LiveCaller, portfolioId: string, limit: number) {
      await owned(caller, portfolioId);
      return (await o.equityHistory?.(portfolioId, limit)) ?? [];
    },
    /** Working orders, or with `all` every order, last changed first. */
    async orders(caller: LiveCaller, portfolioId: string, status: 'open' | 'all', limit: number) {
      await owned(caller, portfolioId);
      return status === 'all' ? o.journal.recent(portfolioId, limit) : o.journal.working(portfolioId);
    },
    /**
     * Places a manual paper order. A refused order is a fact, not a failure: it comes back with
     * status `rejected` (see {@link rejectionOf}).
     * @throws STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED when the key named a different order
     */
    async placeOrder(
      caller: LiveCaller,
      portfolioId: string,
      idempotencyKey: string,
      body: PlaceOrderBodyInput,
    ): Promise<Order> {
      await owned(caller, portfolioId);
      const { symbol, side, type, quantity, price } = body;
      const order = await o.desk.place({
        portfolioId,
        clientOrderId: manualClientOrderId(caller.userId, idempotencyKey),
        symbol,
        side,
        type,
        quantity,
        ...(price === undefined ? {} : { price }),
        origin: { kind: 'manual', userId: caller.userId },
      });
      // A reused key answers with its first order: only a retry of the same body may get it.
      if (!sameOrder(order, body))
        throw new BrokerError(
          'STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used for a different order',
          { details: { clientOrderId: order.clientOrderId } },
        );
      return order;
    },
    async cancelOrder(
      caller: LiveCaller,
      order: { portfolioId: string; clientOrderId: string; symbol: string },
    ): Promise<Order> {
      await owned(caller, order.portfolioId);
      return o.desk.cancel(order, 'cancelled by the owner');
    },
    /** The kill switch, the limits in force, the defaults and the last 50 changes. */
    async risk(caller: LiveCaller, portfolioId: string) {
      await owned(caller, portfolioId);
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
    async pause(caller: LiveCaller, id: string): Promise<LiveRunStatus | undefined> {
      const runId = (await run(caller, id)).id;
      const [code, reason] = ['user', 'paused by the owner'];
      return local(runId) ? o.runner.pause(runId, code, reason) : o.shared?.pause(runId, code, reason);
    },
    async resume(caller: LiveCaller, id: string): Promise<LiveRunStatus | undefined> {
      const runId = (await run(caller, id)).id;
      return local(runId) ? o.runner.resume(runId) : o.shared?.resume(runId);
    },
    async stop(caller: LiveCaller, id: string): Promise<void> {
      const runId = (await run(caller, id)).id;
      if (local(runId)) await o.runner.stop(runId);
      else await o.shared?.stop(runId);
    },
  };
}

export type LiveActions = ReturnType<typeof createLiveActions>;

/** The error a refused order answers beside it, or undefined when it was accepted. */
export function rejectionOf(order: Order): OrderRejection | undefined {
  if (order.status !== 'rejected') return undefined;
  return {
    code: 'STRATEGY_BROKER_ORDER_REJECTED',
    message: order.detail ?? `order rejected: ${order.rejectReason}`,
    details: { reason: order.rejectReason, clientOrderId: order.clientOrderId },
  };
}
