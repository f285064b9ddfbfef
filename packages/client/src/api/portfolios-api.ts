/**
 * @module Paper portfolios and their orders: cash, equity and positions with P&L, the equity
 * history, manual paper orders (place, cancel, list working or all), the kill switch. Order and
 * fill events arrive on `user:{id}` (`order.placed`, `order.filled`, `order.cancelled`,
 * `order.rejected`); refetch the portfolio on them.
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  EquityPoint,
  Order,
  PlaceOrderInput,
  PortfolioDetail,
  PortfolioSummary,
} from '@tickline/protocol';

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
  /** Equity after each change, oldest first (the latest `limit` points). */
  equity(portfolioId: string, options?: { limit?: number }): Promise<EquityPoint[]>;
  /** Working orders (`open`, the default) or every order last changed first (`all`). */
  orders(portfolioId: string, options?: { status?: 'open' | 'all'; limit?: number }): Promise<Order[]>;
  /**
   * Places a manual paper order. Resolves with the order (filled at once for a market order when a
   * price is known, resting for limit and stop); a refusal rejects with
   * `STRATEGY_BROKER_ORDER_REJECTED` and `details.reason` (`insufficient_funds`, `risk_limit`, …).
   */
  placeOrder(portfolioId: string, order: PlaceOrderInput, options?: PlaceOrderOptions): Promise<Order>;
  /** Cancels a resting order; fills before it stand. */
  cancelOrder(portfolioId: string, order: Pick<Order, 'clientOrderId' | 'symbol'>): Promise<Order>;
  /** Cancels every working order and pauses the portfolio's live strategies. */
  killSwitch(portfolioId: string, reason: string): Promise<{ cancelled: number }>;
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
          query: { limit: options.limit },
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
    killSwitch: (id, reason) => send({ method: 'POST', path: `${one(id)}/kill-switch`, body: { reason } }),
  };
}
