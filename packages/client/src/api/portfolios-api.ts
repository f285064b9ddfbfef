/**
 * @module Portfolios and their orders: cash, equity and positions with P&L, the equity
 * history, manual orders (place, cancel, list working or all), the kill switch (engage, release),
 * risk limits, and the venue a portfolio trades at (paper, or bound to Binance spot with a key). Order and
 * fill events arrive on `user:{id}` (`order.placed`, `order.filled`, `order.cancelled`,
 * `order.rejected`); refetch the portfolio on them.
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import { resultsCalls } from './results-calls.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  ClosedTradesResponse,
  EquityPoint,
  EquityRange,
  HaltEngageInput,
  HaltProofView,
  HaltResponse,
  KillSwitchView,
  BindVenueInput,
  Order,
  PlaceOrderInput,
  PortfolioDetail,
  PortfolioVenue,
  PortfolioRisk,
  PortfolioRiskLimits,
  PortfolioSummary,
  ProfitSummary,
  UpdateRiskLimitsInput,
} from '@tickline/protocol';

/** Which closed trades to list, and the page (`cursor`: the previous page's `nextCursor`). */
export interface TradesQuery {
  symbol?: string;
  cursor?: string;
  /** @default 50 (at most 500) */
  limit?: number;
}

/** Options of {@link PortfoliosApi.placeOrder}. */
export interface PlaceOrderOptions {
  /**
   * Idempotency key: placing twice with the same key yields the one order (a retry after a lost
   * answer is safe). @default a fresh random key per call
   */
  idempotencyKey?: string;
}

export interface PortfoliosApi {
  /** The caller's portfolios (one per account, opened with the account's snapshot). */
  list(): Promise<PortfolioSummary[]>;
  /** Cash, equity and positions with average price, mark and P&L. */
  get(portfolioId: string): Promise<PortfolioDetail>;
  /**
   * Equity history, oldest first: the last day, week or month (`range`, a few hundred points), or
   * else the latest `limit` points.
   */
  equity(portfolioId: string, options?: { limit?: number; range?: EquityRange }): Promise<EquityPoint[]>;
  /** Working orders (`open`, the default) or every order last changed first (`all`). */
  orders(portfolioId: string, options?: { status?: 'open' | 'all'; limit?: number }): Promise<Order[]>;
  /**
   * Closed trades (round trips built from the fills), newest exit first, a page at a time; `run`
   * (a strategy id, or `manual`) keeps one run's.
   */
  trades(portfolioId: string, query?: TradesQuery & { run?: string }): Promise<ClosedTradesResponse>;
  /** Realized and unrealized profit, wins and losses, per run, pair, exit reason and day. */
  profit(portfolioId: string, query?: { run?: string; symbol?: string }): Promise<ProfitSummary>;
  /**
   * Places a manual paper order. Resolves with the order (filled at once for a market order when a
   * price is known, resting for limit and stop); a refusal rejects with
   * `STRATEGY_BROKER_ORDER_REJECTED` and `details.reason` (`insufficient_funds`, `risk_limit`, …).
   */
  placeOrder(portfolioId: string, order: PlaceOrderInput, options?: PlaceOrderOptions): Promise<Order>;
  /** Cancels a resting order; fills before it stand. */
  cancelOrder(portfolioId: string, order: Pick<Order, 'clientOrderId' | 'symbol'>): Promise<Order>;
  /**
   * Engages the kill switch (the caller's hand: an admin's is the admin hand): every process
   * refuses the portfolio's new orders (`kill_switch`) until it is released, its working orders are
   * cancelled and its live strategies paused. Stored and audited; it survives a restart.
   */
  killSwitch(
    portfolioId: string,
    reason: string,
    options?: { flatten?: boolean },
  ): Promise<{ cancelled: number; killSwitch: KillSwitchView; haltId: string; haltProof: HaltProofView }>;
  /**
   * The portfolio's latest kill switch halts with their proofs (built from the order journal on the
   * server at each read): no order after the switch, every working order cancelled by the venue,
   * and with flatten every position closed and the time to flat.
   */
  halts(portfolioId: string, options?: { limit?: number }): Promise<HaltProofView[]>;
  /**
   * Engages the kill switch over a scope: the caller's account (or, for an admin, `userId`'s), the
   * portfolios on a venue (an owner's own there; an admin's: all), or every portfolio (admins only),
   * with `flatten` to close every position at market. Answers a halt proof per portfolio.
   */
  killSwitchOver(input: HaltEngageInput): Promise<HaltResponse>;
  /** A halt's proofs (one per portfolio it covered that the caller may read), built now. */
  halt(haltId: string): Promise<HaltProofView[]>;
  /** Releases the caller's own hand on the kill switch (an admin's hand holds until an admin lifts it). */
  releaseKillSwitch(portfolioId: string, reason: string): Promise<{ killSwitch: KillSwitchView }>;
  /** The kill switch, the portfolio's limits (or the defaults) and the audit of their changes. */
  risk(portfolioId: string): Promise<PortfolioRisk>;
  /** Changes some limits (the others keep their value); audited with `reason`. */
  setRiskLimits(portfolioId: string, limits: UpdateRiskLimitsInput): Promise<{ limits: PortfolioRiskLimits }>;
  /** Where the portfolio trades (paper, or a live venue with the account's balances there). */
  venue(portfolioId: string): Promise<PortfolioVenue>;
  /**
   * Binds the portfolio to Binance spot with an API key and secret, checked at the venue first: a
   * key that can withdraw (`TRADING_VENUE_KEY_CAN_WITHDRAW`) or cannot trade spot
   * (`TRADING_VENUE_KEY_CANNOT_TRADE`) is refused. `{ venue: 'paper' }` goes back to paper. The
   * answer never carries the key, only its last four characters.
   */
  bindVenue(portfolioId: string, binding: BindVenueInput): Promise<PortfolioVenue>;
  /** Back to paper; the stored key is deleted. */
  unbindVenue(portfolioId: string): Promise<PortfolioVenue>;
  /** The portfolio's reconciliation reports, latest first; `reconciling` while new orders wait. */
  reconciliations(portfolioId: string, options?: { limit?: number }): Promise<Reconciliations>;
  /** Compares the books with the venue now; each difference is corrected by an event. */
  reconcile(portfolioId: string): Promise<ReconciliationReport>;
}

/** One difference a reconciliation found between the books and the venue, and corrected. */
export type ReconciliationDifference =
  | {
      kind: 'order_changed' | 'order_unknown' | 'order_missing';
      clientOrderId: string;
      symbol: string;
      books?: { status: string; filledQuantity: number };
      venue?: { status: string; filledQuantity: number };
    }
  | { kind: 'balance'; asset: string; books: number; venue: number; delta: number };

/** One comparison of a portfolio's books with its venue's report (docs/live-strategies.md "Reconciliation"). */
export interface ReconciliationReport {
  reconciliationId: string;
  portfolioId: string;
  venue: string;
  trigger: 'start' | 'reconnect' | 'gap' | 'request';
  startedAt: number;
  finishedAt: number;
  agreed: boolean;
  differences: ReconciliationDifference[];
  error?: string;
}

/** The reports latest first, and whether new orders wait for one now. */
export interface Reconciliations {
  portfolioId: string;
  reconciling: { trigger: string; since: number } | null;
  reports: ReconciliationReport[];
}

export function createPortfoliosApi(send: AuthorizedSend, paths: ClientPaths): PortfoliosApi {
  const one = (id: string) => `${paths.portfolios}/${encodeURIComponent(id)}`;
  return {
    list: async () =>
      (await send<{ portfolios: PortfolioSummary[] }>({ method: 'GET', path: paths.portfolios })).portfolios,
    get: (id) => send({ method: 'GET', path: one(id) }),
    equity: async (id, options = {}) =>
      (
        await send<{ points: EquityPoint[] }>({
          method: 'GET',
          path: `${one(id)}/equity`,
          query: { limit: options.limit, range: options.range },
        })
      ).points,
    orders: async (id, options = {}) =>
      (
        await send<{ orders: Order[] }>({
          method: 'GET',
          path: `${one(id)}/orders`,
          query: { status: options.status, limit: options.limit },
        })
      ).orders,
    ...resultsCalls(send, one),
    placeOrder: async (id, order, options = {}) =>
      (
        await send<{ order: Order }>({
          method: 'POST',
          path: `${one(id)}/orders`,
          headers: { 'idempotency-key': options.idempotencyKey ?? crypto.randomUUID() },
          body: order,
        })
      ).order,
    cancelOrder: async (id, order) =>
      (
        await send<{ order: Order }>({
          method: 'DELETE',
          path: `${one(id)}/orders/${encodeURIComponent(order.clientOrderId)}`,
          query: { symbol: order.symbol },
        })
      ).order,
    killSwitch: (id, reason, options = {}) =>
      send({
        method: 'POST',
        path: `${one(id)}/kill-switch`,
        body: { reason, flatten: options.flatten === true },
      }),
    killSwitchOver: (input) => send({ method: 'POST', path: paths.killSwitch, body: input }),
    halt: async (haltId) =>
      (
        await send<{ proofs: HaltProofView[] }>({
          method: 'GET',
          path: `${paths.halts}/${encodeURIComponent(haltId)}`,
        })
      ).proofs,
    halts: async (id, options = {}) =>
      (
        await send<{ proofs: HaltProofView[] }>({
          method: 'GET',
          path: `${one(id)}/halts`,
          query: { limit: options.limit },
        })
      ).proofs,
    releaseKillSwitch: (id, reason) =>
      send({ method: 'POST', path: `${one(id)}/kill-switch/release`, body: { reason } }),
    risk: (id) => send({ method: 'GET', path: `${one(id)}/risk` }),
    setRiskLimits: (id, limits) => send({ method: 'PUT', path: `${one(id)}/risk-limits`, body: limits }),
    venue: (id) => send({ method: 'GET', path: `${one(id)}/venue` }),
    bindVenue: (id, binding) => send({ method: 'PUT', path: `${one(id)}/venue`, body: binding }),
    unbindVenue: (id) => send({ method: 'DELETE', path: `${one(id)}/venue` }),
    reconciliations: (id, options = {}) =>
      send({ method: 'GET', path: `${one(id)}/reconciliations`, query: { limit: options.limit } }),
    reconcile: (id) => send({ method: 'POST', path: `${one(id)}/reconciliations` }),
  };
}
