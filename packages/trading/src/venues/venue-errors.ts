/**
 * @module Errors of binding a portfolio to a live venue. Each is answered before anything is
 * stored: a refused bind leaves the portfolio where it was (on paper, or on its earlier key).
 */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const VenueErrorCodes = defineErrorCodes({
  TRADING_VENUE_KEY_CAN_WITHDRAW: {
    meaning:
      'The venue reports that this API key may withdraw funds. Tickline holds trading keys only: a leaked key must not be able to move money out.',
    resolve: 'Create a key with withdrawals off (spot trading on) at the venue and bind with that one.',
    httpStatus: 422,
  },
  TRADING_VENUE_KEY_CANNOT_TRADE: {
    meaning: 'The venue reports that this API key may not trade spot, so no order could be placed with it.',
    resolve: 'Turn spot trading on for the key at the venue (withdrawals stay off), then bind again.',
    httpStatus: 422,
  },
  TRADING_VENUE_KEY_REFUSED: {
    meaning:
      'The venue refused the key itself: unknown API key, wrong secret, or the key does not allow this IP address.',
    resolve: 'Check the key and secret (copied whole) and the IP restriction of the key at the venue.',
    httpStatus: 422,
  },
  TRADING_VENUE_PERMISSIONS_UNKNOWN: {
    meaning:
      'The venue could not be asked what the key may do (no answer, a 5xx, a rate limit, or an answer that could not be read); nothing was stored.',
    resolve: 'Try again later; the portfolio stays where it was meanwhile.',
    httpStatus: 503,
  },
  TRADING_VENUE_ORDERS_WORKING: {
    meaning:
      'The portfolio still has working orders at its current venue: moving it now would leave them with nobody to follow their fills.',
    resolve: 'Cancel the working orders (or engage the kill switch), then change the venue.',
    httpStatus: 409,
  },
  TRADING_RECONCILING: {
    meaning:
      "The portfolio's books are being compared with its venue's report (on start, after a venue reconnect, after a gap in the venue's stream): until they agree, new orders are refused; cancels go through. The error names the portfolio.",
    resolve:
      'Wait a moment and send the order again; GET /portfolios/{id}/reconciliations shows the latest report (an error there means the venue could not be read yet).',
    httpStatus: 409,
  },
});
export type VenueErrorCode = keyof typeof VenueErrorCodes;

/** An error with a venue code. */
export class VenueError extends TicklineError {
  override name = 'VenueError';
  constructor(code: VenueErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isVenueKeyCanWithdrawError = errorGuard('TRADING_VENUE_KEY_CAN_WITHDRAW');
export const isVenueKeyCannotTradeError = errorGuard('TRADING_VENUE_KEY_CANNOT_TRADE');
