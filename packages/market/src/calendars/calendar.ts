/**
 * @module An exchange calendar over its shipped tables: which local dates trade, each session's
 * open and close instants, and questions about an instant (open? which session? next open?).
 * Pure: it reads only its data and the zone database, never the wall clock.
 */
import { MarketError } from '../port/errors.ts';
import type { ExchangeCalendarData, ExchangeCode, Session } from './types.ts';
import { localParts, nextDate, weekdayOf, zonedTimeToUtc } from './zoned-time.ts';

/** The longest run of closed days any exchange has (Seollal next to a weekend: 5); a bound, not a guess. */
const MAX_CLOSED_RUN_DAYS = 14;

/** Questions about one exchange's trading days and hours. */
export interface ExchangeCalendar {
  readonly exchange: ExchangeCode;
  readonly timeZone: string;
  readonly currency: string;
  /** Local open and close of a regular day (a session with other hours says why in `special`). */
  readonly regular: ExchangeCalendarData['regular'];
  /** The years this calendar has tables for, ascending. */
  readonly years: readonly number[];
  /** The session on local date `YYYY-MM-DD`, or null on a weekend or holiday. */
  sessionOn(date: string): Session | null;
  /** The session `timeMs` falls in (open inclusive, close exclusive), or null while closed. */
  sessionOf(timeMs: number): Session | null;
  /** True while a session is open at `timeMs`. */
  isOpen(timeMs: number): boolean;
  /** The first session that opens strictly after `timeMs` (the one to wait for). */
  nextOpen(timeMs: number): Session;
  /** The holiday's name when `date` is a full-day closure (weekends are not listed). */
  holidayOn(date: string): string | null;
  /** Sessions whose open lies in [fromMs, toMs), in order. */
  sessionsBetween(fromMs: number, toMs: number): Session[];
}

/** Builds the calendar of one exchange from its tables. */
export function createExchangeCalendar(data: ExchangeCalendarData): ExchangeCalendar {
  const years = Object.keys(data.years)
    .map(Number)
    .sort((a, b) => a - b);

  function yearOf(date: string) {
    const year = Number(date.slice(0, 4));
    const table = data.years[year];
    if (!table) {
      throw new MarketError(
        'MARKET_CALENDAR_MISSING',
        `no ${data.exchange} exchange calendar for ${year} (covered: ${years.join(', ')}; from ${data.source})`,
        { details: { exchange: data.exchange, year, covered: years } },
      );
    }
    return table;
  }

  function holidayOn(date: string): string | null {
    return yearOf(date).holidays[date] ?? null;
  }

  function sessionOn(date: string): Session | null {
    const table = yearOf(date);
    const weekday = weekdayOf(date);
    if (weekday === 0 || weekday === 6 || table.holidays[date] !== undefined) return null;
    const special = table.specialHours[date];
    const open = special?.open ?? data.regular.open;
    const close = special?.close ?? data.regular.close;
    return {
      exchange: data.exchange,
      date,
      openMs: zonedTimeToUtc(date, open, data.timeZone),
      closeMs: zonedTimeToUtc(date, close, data.timeZone),
      ...(special ? { special: special.name } : {}),
    };
  }

  function sessionOf(timeMs: number): Session | null {
    // Every covered exchange's session lies inside one local day, so the local date names it.
    const session = sessionOn(localParts(timeMs, data.timeZone).date);
    return session && timeMs >= session.openMs && timeMs < session.closeMs ? session : null;
  }

  function nextOpen(timeMs: number): Session {
    let date = localParts(timeMs, data.timeZone).date;
    for (let i = 0; i <= MAX_CLOSED_RUN_DAYS; i++, date = nextDate(date)) {
      const session = sessionOn(date);
      if (session && session.openMs > timeMs) return session;
    }
    throw new Error(`${data.exchange} calendar: no session within ${MAX_CLOSED_RUN_DAYS} days of ${timeMs}`);
  }

  function sessionsBetween(fromMs: number, toMs: number): Session[] {
    const out: Session[] = [];
    for (let date = localParts(fromMs, data.timeZone).date; ; date = nextDate(date)) {
      const session = sessionOn(date);
      if (session && session.openMs >= toMs) break;
      if (!session && zonedTimeToUtc(date, '00:00', data.timeZone) >= toMs) break;
      if (session && session.openMs >= fromMs) out.push(session);
    }
    return out;
  }

  return {
    exchange: data.exchange,
    timeZone: data.timeZone,
    currency: data.currency,
    regular: data.regular,
    years,
    sessionOn,
    sessionOf,
    isOpen: (timeMs) => sessionOf(timeMs) !== null,
    nextOpen,
    holidayOn,
    sessionsBetween,
  };
}
