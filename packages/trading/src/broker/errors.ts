/**
 * @module Errors of the broker port and its adapters. A refused order is not an error (it is an
 * `order.rejected` with a reason); these are the failures where no order fact can be stated.
 */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const BrokerErrorCodes = defineErrorCodes({
  STRATEGY_BROKER_OUTCOME_UNKNOWN: {
    meaning:
      'The venue did not answer an order request (timeout, connection reset, 5xx), and a status query could not tell whether the order exists.',
    resolve:
      'Ask for the order again by its client order id (the idempotency key) before placing it again; placing it with the same id is safe.',
    httpStatus: 503,
  },
  STRATEGY_BROKER_ORDER_NOT_FOUND: {
    meaning: 'No order with this client order id exists for the portfolio at the venue.',
    resolve: 'Check the id; orders the venue archived long ago are no longer listed.',
    httpStatus: 404,
  },
  STRATEGY_BROKER_VENUE_UNAVAILABLE: {
    meaning: 'A read from the venue (open orders, order status, balances, server time) failed.',
    resolve: 'Retry later; the cause says whether it was the network, a 5xx or a rate limit.',
    httpStatus: 503,
  },
  STRATEGY_BROKER_LIVE_DISABLED: {
    meaning: 'A live venue broker was asked for while live trading is off in the configuration.',
    resolve: 'Set trading.venues.binance.enabled to true (and point baseUrl at the testnet first).',
    httpStatus: 403,
  },
  STRATEGY_BROKER_REQUEST_INVALID: {
    meaning:
      'An order request is malformed: a quantity that is not a finite number of at least 0.00000001 (MIN_ORDER_QUANTITY), a price that does not fit the order type, a bad symbol or client order id.',
    resolve: 'Fix the named fields; nothing was placed and no event was emitted.',
    httpStatus: 400,
  },
  STRATEGY_BROKER_ORDER_REJECTED: {
    meaning:
      'The order was refused (an order.rejected fact): details.reason says why — insufficient_funds, unknown_symbol, risk_limit, kill_switch, invalid_order, … — and the answer carries the rejected order.',
    resolve:
      'Act on the reason: lower the quantity, pick a listed symbol, wait for the risk window or release the kill switch.',
    httpStatus: 422,
  },
  STRATEGY_BROKER_IDEMPOTENCY_KEY_REUSED: {
    meaning:
      'The Idempotency-Key was used before for a different order (symbol, side, type, quantity or price differ); nothing was placed. details.clientOrderId names the first order.',
    resolve: 'Send a fresh Idempotency-Key for a new order; reuse a key only to retry the very same body.',
    httpStatus: 422,
  },
  STRATEGY_BROKER_WRONG_PORTFOLIO: {
    meaning:
      'A venue adapter bound to one portfolio (one set of API keys) was asked about another portfolio.',
    resolve: 'A wiring bug: route each portfolio to the adapter made with its own credentials.',
    httpStatus: 500,
  },
});
export type BrokerErrorCode = keyof typeof BrokerErrorCodes;

/** An error with a broker code. */
export class BrokerError extends TicklineError {
  override name = 'BrokerError';
  constructor(code: BrokerErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isBrokerOutcomeUnknownError = errorGuard('STRATEGY_BROKER_OUTCOME_UNKNOWN');
export const isBrokerOrderNotFoundError = errorGuard('STRATEGY_BROKER_ORDER_NOT_FOUND');
export const isBrokerVenueUnavailableError = errorGuard('STRATEGY_BROKER_VENUE_UNAVAILABLE');
export const isBrokerLiveDisabledError = errorGuard('STRATEGY_BROKER_LIVE_DISABLED');
export const isBrokerRequestInvalidError = errorGuard('STRATEGY_BROKER_REQUEST_INVALID');
export const isBrokerWrongPortfolioError = errorGuard('STRATEGY_BROKER_WRONG_PORTFOLIO');
