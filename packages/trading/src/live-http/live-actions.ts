/**
 * @module What the live-trading routes do, as functions of an authenticated caller: REST's routes
 * (live-routes.ts) and GraphQL's resolvers both call these, so the owner rule (another user's
 * portfolio or run is not found), the order checks and the local-or-shared control of a run are
 * written once. Inputs arrive parsed by the schemas below, which both transports validate with.
 */
import { TicklineError } from '@tickline/kernel';
import { SymbolSchema } from '@tickline/protocol';
import { z } from 'zod';
import { manualClientOrderId } from '../broker/client-order-id.ts';
import { BrokerError, type BrokerErrorCode, isBrokerOrderNotFoundError } from '../broker/errors.ts';
import { OrderQuantity, type Order } from '../broker/order.ts';
import { ADMIN_PAUSE_CODE } from '../live/live-admin-responder.ts';
import type { LiveRunStatus } from '../live/live-runner.ts';
import type { EquityWindow } from '../portfolio/equity-history.ts';
import { isKillSwitchEngaged, type KillSwitchState } from '../risk/kill-switch.ts';
import type { LiveCaller, LiveRoutesOptions } from './live-options.ts';
import { enableGateOf } from './enable-gate.ts';

/** A symbol a live route takes: the one wire pattern (pairs and shares). */
export const LiveSymbol = SymbolSchema;
const Quantity = z.number().finite().positive();

/** A manual paper order, as `POST /portfolios/{id}/orders` takes it. */
export const PlaceOrderBody = z
  .strictObject({
    symbol: LiveSymbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop']).default('market'),
    quantity: OrderQuantity,
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

function notLocal(id: string): TicklineError {
  return new TicklineError('STRATEGY_LIVE_NOT_LOCAL', `live strategy ${id} runs on another process`, {
    details: { id },
  });
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

/** What an admin may do in a portfolio that is not theirs (see `allowed` below). */
export type AdminMay = 'oversee' | 'own';

/** The switch as the API shows it. */
export function killSwitchView(state: KillSwitchState) {
  return { engaged: isKillSwitchEngaged(state), ...state };
}

/** The actions over `o` (the live-trading parts of this process). */
export function createLiveActions(o: LiveRoutesOptions) {
  /**
   * Passes when `ownerId` is the caller or they are an admin and `admin` allows what they ask:
   * `oversee` (read, pause, the kill switch) but never `own` (trade, limits, start or stop runs).
   * Anyone else learns nothing: 404.
   */
  const allowed = (
    caller: LiveCaller,
    ownerId: string | undefined,
    admin: AdminMay,
    missing: () => TicklineError,
  ): void => {
    if (ownerId === undefined || (ownerId !== caller.userId && !caller.admin)) throw missing();
    if (ownerId !== caller.userId && admin === 'own')
      throw new TicklineError(
        'STRATEGY_OWNER_ONLY',
        'only the owner may do this; admins may read, pause and engage the kill switch',
        { details: { ownerId } },
      );
  };
  const owned = async (caller: LiveCaller, portfolioId: string, admin: AdminMay): Promise<void> =>
    allowed(caller, await o.ownerOf(portfolioId), admin, () => notFound('portfolio', portfolioId));
  const run = async (caller: LiveCaller, id: string, admin: AdminMay): Promise<LiveRunStatus> => {
    const status = o.runner.status(id) ?? (await o.shared?.get(id));
    allowed(caller, status?.userId, admin, () => notFound('run', id));
    return status!;
  };
  /** The run after a change; gone meanwhile (stopped elsewhere) answers as a missing one. */
  const still = (id: string, status: LiveRunStatus | undefined): LiveRunStatus => {
    if (status === undefined) throw notFound('run', id);
    return status;
  };
  // Where this process runs the run, its runner acts; elsewhere the shared state is changed and
  // the process that runs it follows at its next sync.
  const local = (id: string) => o.runner.status(id) !== undefined;
  const gate = enableGateOf(o.runner, o.enableGate);

  return {
    /**
     * Runs an enable or a resume of `userId`'s once admitted (enable-gate.ts).
     * @throws STRATEGY_LIVE_ENABLE_BUSY, STRATEGY_LIVE_ENABLE_RATE
     */
    admit: <T>(userId: string, what: 'enable' | 'resume', action: () => Promise<T>): Promise<T> =>
      gate.run(userId, what, action),
    /**
     * @throws STRATEGY_PORTFOLIO_NOT_FOUND unless the caller owns it or is an admin;
     *   STRATEGY_OWNER_ONLY when an admin asks what only the owner may (`own`)
     */
    owned,
    /** @throws STRATEGY_LIVE_NOT_FOUND, STRATEGY_OWNER_ONLY (as {@link owned}) */
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
    async equity(caller: LiveCaller, portfolioId: string, window: EquityWindow) {
      await owned(caller, portfolioId, 'oversee');
      return (await o.equityHistory?.(portfolioId, window)) ?? [];
    },
    /** Working orders, or with `all` every order, last changed first. */
    async orders(caller: LiveCaller, portfolioId: string, status: 'open' | 'all', limit: number) {
      await owned(caller, portfolioId, 'oversee');
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
      await owned(caller, portfolioId, 'own');
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
      await owned(caller, order.portfolioId, 'own');
      const reason = 'cancelled by the owner';
      try {
        return await o.desk.cancel(order, reason);
      } catch (error) {
        // A working paper order is held by the process it was placed on, maybe another one.
        const elsewhere =
          isBrokerOrderNotFoundError(error) && o.cancelElsewhere
            ? await o.cancelElsewhere(order, reason)
            : undefined;
        if (elsewhere === undefined) throw error;
        return elsewhere;
      }
    },
    /** The kill switch, the limits in force, the defaults and the last 50 changes. */
    async risk(caller: LiveCaller, portfolioId: string) {
      await owned(caller, portfolioId, 'oversee');
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
    /** Pauses a run; an admin's pause is marked as theirs (its owner sees who paused it). */
    async pause(caller: LiveCaller, id: string): Promise<LiveRunStatus> {
      const status = await run(caller, id, 'oversee');
      const runId = status.id;
      const [code, reason] =
        status.userId === caller.userId
          ? ['user', 'paused by the owner']
          : [ADMIN_PAUSE_CODE, 'paused by an admin'];
      return still(
        runId,
        local(runId) ? o.runner.pause(runId, code, reason) : await o.shared?.pause(runId, code, reason),
      );
    },
    async resume(caller: LiveCaller, id: string): Promise<LiveRunStatus> {
      const { id: runId, portfolioId } = await run(caller, id, 'own');
      // Resumed under an engaged switch, a run would only have each of its orders refused.
      const killSwitch = await o.risk.killSwitch(portfolioId);
      if (isKillSwitchEngaged(killSwitch))
        throw new TicklineError(
          'STRATEGY_LIVE_KILL_SWITCH',
          "the portfolio's kill switch is engaged: release it, then resume",
          {
            details: {
              portfolioId,
              hands: [...(killSwitch.user ? ['user'] : []), ...(killSwitch.admin ? ['admin'] : [])],
            },
          },
        );
      return still(
        runId,
        await gate.run(caller.userId, 'resume', async () =>
          local(runId) ? o.runner.resume(runId) : o.shared?.resume(runId),
        ),
      );
    },
    /**
     * Closes the run's positions (one symbol's, or all) at market and answers with the orders as
     * the journal has them once filled (or after `waitMs`, still working).
     * @throws STRATEGY_LIVE_NOT_LOCAL when another process holds the run
     */
    async forceExit(caller: LiveCaller, id: string, symbol: string | undefined, waitMs: number) {
      const { id: runId, portfolioId } = await run(caller, id, 'own');
      const placed = await o.runner.forceExit(runId, caller.userId, symbol, waitMs);
      if (placed === undefined) throw notLocal(runId);
      return Promise.all(
        placed.map(async (order) => (await o.journal.get(portfolioId, order.clientOrderId)) ?? order),
      );
    },
    /**
     * Turns stop-entry on or off: an admin may turn it on (it only lowers risk), only the owner off.
     * @throws STRATEGY_LIVE_NOT_LOCAL when another process holds the run
     */
    async stopEntry(caller: LiveCaller, id: string, on: boolean): Promise<LiveRunStatus> {
      const runId = (await run(caller, id, on ? 'oversee' : 'own')).id;
      const status = o.runner.stopEntry(runId, on);
      if (status === undefined) throw notLocal(runId);
      return status;
    },
    async stop(caller: LiveCaller, id: string): Promise<void> {
      const runId = (await run(caller, id, 'own')).id;
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
