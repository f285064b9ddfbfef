/**
 * @module What a market's session is doing at an instant, as the markets API and the dashboard
 * show it: a share's exchange, currency and session (open, early close, closed with the next open,
 * from its exchange's calendar); a crypto pair trades always. Pure: the instant is given.
 */
import {
  MarketSessionState as SessionState,
  type MarketListing,
  type MarketSession,
} from '@tickline/protocol';
import { EQUITY_EXCHANGES, parseEquitySymbol } from '../normalize/equity-symbols.ts';
import { isMarketCalendarMissingError } from '../port/errors.ts';
import type { ExchangeCalendar } from './calendar.ts';
import { exchangeCalendar } from './registry.ts';
import { localParts, zonedTimeToUtc } from './zoned-time.ts';

/** The listing and session of `symbol` at `nowMs`. */
export function marketSessionOf(
  symbol: string,
  nowMs: number,
): { listing: MarketListing | null; session: MarketSession } {
  const equity = parseEquitySymbol(symbol);
  if (!equity) return { listing: null, session: { state: SessionState.AlwaysOpen } };
  const calendar = exchangeCalendar(equity.exchange);
  const listing = {
    exchange: equity.exchange,
    name: EQUITY_EXCHANGES[equity.exchange].name,
    currency: equity.currency,
    timeZone: calendar.timeZone,
  };
  try {
    return { listing, session: sessionAt(calendar, nowMs) };
  } catch (error) {
    if (!isMarketCalendarMissingError(error)) throw error;
    return { listing, session: { state: SessionState.Unknown, detail: error.message } };
  }
}

function sessionAt(calendar: ExchangeCalendar, nowMs: number): MarketSession {
  const current = calendar.sessionOf(nowMs);
  if (current) {
    const regularClose = zonedTimeToUtc(current.date, calendar.regular.close, calendar.timeZone);
    return {
      state: current.closeMs < regularClose ? SessionState.EarlyClose : SessionState.Open,
      opensAt: current.openMs,
      closesAt: current.closeMs,
      ...(current.special ? { special: current.special } : {}),
    };
  }
  const next = calendar.nextOpen(nowMs);
  const holiday = calendar.holidayOn(localParts(nowMs, calendar.timeZone).date);
  return {
    state: SessionState.Closed,
    nextOpen: next.openMs,
    ...(next.special ? { special: next.special } : {}),
    ...(holiday ? { holiday } : {}),
  };
}
