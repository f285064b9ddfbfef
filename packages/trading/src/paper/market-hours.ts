/**
 * @module What the paper venue checks of a share order that a crypto pair never needs: whole
 * shares, the exchange's tick, and its session. A share's exchange is closed outside its session
 * (nights, weekends, holidays); what the venue then does is configured — refuse the order
 * (`market_closed`) or keep it working until the session opens (a market order fills at the first
 * price of the session). Crypto pairs have no calendar and are always open.
 */
import { calendarOfSymbol, isOnTick, requiresWholeShares, type ExchangeCalendar } from '@tickline/market';
import type { PlaceOrderRequest, RejectReason } from '../broker/order.ts';

/** What the paper venue does with a share order placed while its exchange is closed. */
export type ClosedMarketPolicy = 'refuse' | 'queue';

/** Finds a symbol's exchange calendar; null for symbols that always trade. */
export type CalendarOf = (symbol: string) => ExchangeCalendar | null;

/** Why an order cannot be taken as it is, or that its market is closed now. */
export interface ShareOrderProblem {
  readonly reason: Extract<RejectReason, 'invalid_order' | 'market_closed'>;
  readonly detail: string;
}

/** True while `symbol`'s exchange is in session at `timeMs`; a year with no calendar counts as closed. */
export function marketOpenAt(
  symbol: string,
  timeMs: number,
  calendarOf: CalendarOf = calendarOfSymbol,
): boolean {
  const calendar = calendarOf(symbol);
  if (!calendar) return true;
  try {
    return calendar.isOpen(timeMs);
  } catch {
    return false; // MARKET_CALENDAR_MISSING: a session that cannot be known is not open
  }
}

/** The first problem of a share order placed at `nowMs`, or null (crypto pairs: always null). */
export function shareOrderProblem(
  request: PlaceOrderRequest,
  nowMs: number,
  calendarOf: CalendarOf = calendarOfSymbol,
): ShareOrderProblem | null {
  const { symbol } = request;
  if (requiresWholeShares(symbol) && !Number.isInteger(request.quantity))
    return { reason: 'invalid_order', detail: `${symbol} trades whole shares only, not ${request.quantity}` };
  if (request.price !== undefined && !isOnTick(symbol, request.price))
    return { reason: 'invalid_order', detail: `${request.price} is not on a tick of ${symbol}` };
  const calendar = calendarOf(symbol);
  if (!calendar) return null;
  try {
    if (calendar.isOpen(nowMs)) return null;
    const next = calendar.nextOpen(nowMs);
    return {
      reason: 'market_closed',
      detail: `${symbol}: ${calendar.exchange} is closed; next session opens ${new Date(next.openMs).toISOString()}`,
    };
  } catch (error) {
    return { reason: 'market_closed', detail: `${symbol}: ${(error as Error).message}` };
  }
}
