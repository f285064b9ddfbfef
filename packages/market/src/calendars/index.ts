/** @module Exchange calendars and sessions (NYSE/Nasdaq as `US`, KRX as `KS`) and session candle buckets. */
export { createExchangeCalendar } from './calendar.ts';
export { exchangeCalendar, calendarOfSymbol } from './registry.ts';
export { marketSessionOf } from './session-state.ts';
export { createLiveSessionBucketer, createSessionBucketer, sessionBucket } from './session-buckets.ts';
export {
  isOnTick,
  krxDailyLimits,
  krxTickSize,
  requiresWholeShares,
  tickSizeOf,
  KRX_DAILY_LIMIT_RATIO,
} from './tick-sizes.ts';
export { US_CALENDAR } from './data/us.ts';
export { KRX_CALENDAR } from './data/krx.ts';
export { ExchangeCode } from './types.ts';
export { isMarketCalendarMissingError } from '../port/errors.ts';
export type { ExchangeCalendar } from './calendar.ts';
export type { CalendarYear, ExchangeCalendarData, LocalTime, Session, SpecialHours } from './types.ts';
