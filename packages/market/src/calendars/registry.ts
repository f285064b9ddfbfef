/** @module The shipped exchange calendars, by exchange code and by symbol. */
import { parseEquitySymbol } from '../normalize/equity-symbols.ts';
import { createExchangeCalendar, type ExchangeCalendar } from './calendar.ts';
import { KRX_CALENDAR } from './data/krx.ts';
import { US_CALENDAR } from './data/us.ts';
import type { ExchangeCode } from './types.ts';

const CALENDARS: Readonly<Record<ExchangeCode, ExchangeCalendar>> = Object.freeze({
  US: createExchangeCalendar(US_CALENDAR),
  KS: createExchangeCalendar(KRX_CALENDAR),
});

/** The calendar of an exchange (`US` for NYSE/Nasdaq, `KS` for KRX). */
export function exchangeCalendar(exchange: ExchangeCode): ExchangeCalendar {
  return CALENDARS[exchange];
}

/** The calendar a symbol trades on: an equity's exchange, or null for a 24/7 crypto pair. */
export function calendarOfSymbol(symbol: string): ExchangeCalendar | null {
  const equity = parseEquitySymbol(symbol);
  return equity ? CALENDARS[equity.exchange] : null;
}
