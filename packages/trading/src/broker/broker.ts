/**
 * @module The broker port: place, cancel and look up orders at one venue. Adapters: the paper
 * broker (fills against live trades with the backtest's fill model) and live venues such as
 * {@link BinanceSpotBroker}. Every adapter runs the contract suite in `testing/broker-contract.ts`.
 *
 * Commands may fail, and a refusal is an answer, not an exception: `place` resolves to an order
 * with status `rejected` and a {@link RejectReason}. It throws only when no fact can be stated
 * (the answer was lost, or the venue could not be asked), and then placing again with the same
 * client order id is safe.
 */
import type { Order, PlaceOrderRequest } from './order.ts';

/** Names one order: venues look orders up by symbol and client order id. */
export interface OrderRef {
  portfolioId: string;
  symbol: string;
  clientOrderId: string;
}

/** Which open orders to list. */
export interface OpenOrdersQuery {
  portfolioId: string;
  /** Only this symbol; all symbols when absent. */
  symbol?: string;
}

/** One asset's balance at the venue. */
export interface Balance {
  asset: string;
  /** Available for new orders. */
  free: number;
  /** Held by open orders. */
  locked: number;
}

/** A venue's order size filters for one symbol (Binance LOT_SIZE and NOTIONAL). */
export interface LotRules {
  /** Quantities are whole multiples of this. */
  stepSize: number;
  /** The smallest quantity an order may ask for. */
  minQty: number;
  /** The smallest quantity × price an order may be worth (0: none). */
  minNotional: number;
}

/** A venue that takes orders. */
export interface Broker {
  /** `paper`, `binance-spot`: the `source` suffix of the order events it causes. */
  readonly venue: string;
  /**
   * Places an order, or returns the existing one when its client order id was placed before.
   * @throws BrokerError `STRATEGY_BROKER_OUTCOME_UNKNOWN` when the venue's answer was lost;
   *   `STRATEGY_BROKER_VENUE_UNAVAILABLE` when the venue could not be asked and nothing was sent.
   *   Either way, placing again with the same client order id is safe.
   */
  place(request: PlaceOrderRequest): Promise<Order>;
  /**
   * Cancels a resting order and returns its final snapshot. Cancelling an order that is already
   * final returns it unchanged (so a retried cancel is harmless).
   * @throws BrokerError `STRATEGY_BROKER_ORDER_NOT_FOUND`, `STRATEGY_BROKER_VENUE_UNAVAILABLE`.
   */
  cancel(ref: OrderRef): Promise<Order>;
  /** The order's current snapshot, or undefined when the venue does not know it. */
  order(ref: OrderRef): Promise<Order | undefined>;
  /** Orders that are still working (`new`, `partially_filled`). */
  openOrders(query: OpenOrdersQuery): Promise<Order[]>;
  /** The portfolio's balances at the venue (non-zero ones). */
  balances(portfolioId: string): Promise<Balance[]>;
}

/** An adapter that holds resources (timers, sockets) and must be closed. */
export interface ClosableBroker extends Broker {
  close(): Promise<void>;
}
