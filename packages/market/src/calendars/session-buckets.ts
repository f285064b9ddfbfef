/**
 * @module Session candle buckets: a share's candles are cut by its exchange's sessions, so no
 * bar spans a night, a weekend or a holiday, a daily bar is the session (open to close, early
 * closes included) and an intraday bar is clipped to the session (09:30–10:00 is the first 1h bar
 * of a US day). Crypto pairs keep UTC-aligned buckets.
 */
import { utcBucket, type CandleBucket, type CandleBucketer } from '../candles/intervals.ts';
import type { CandleInterval } from '../port/market-message.ts';
import type { ExchangeCalendar } from './calendar.ts';
import { isMarketCalendarMissingError, type MarketError } from '../port/errors.ts';
import { calendarOfSymbol } from './registry.ts';

/** The bucket of `timeMs` cut by `calendar`'s session, or null while the exchange is closed. */
export function sessionBucket(
  calendar: ExchangeCalendar,
  timeMs: number,
  interval: CandleInterval,
): CandleBucket | null {
  const session = calendar.sessionOf(timeMs);
  if (!session) return null;
  if (interval === '1d') return { openTime: session.openMs, closeTime: session.closeMs };
  const bucket = utcBucket(timeMs, interval);
  return {
    openTime: Math.max(bucket.openTime, session.openMs),
    closeTime: Math.min(bucket.closeTime, session.closeMs),
  };
}

/**
 * A bucketer for a collector of mixed symbols: equities (`AAPL.US`) by their exchange's sessions,
 * everything else by UTC buckets.
 * @example new CandleAggregator({ buckets: createSessionBucketer() })
 */
export function createSessionBucketer(
  calendarOf: (symbol: string) => ExchangeCalendar | null = calendarOfSymbol,
): CandleBucketer {
  return function sessionBucketer(symbol, timeMs, interval) {
    const calendar = calendarOf(symbol);
    return calendar ? sessionBucket(calendar, timeMs, interval) : utcBucket(timeMs, interval);
  };
}

/**
 * A session bucketer for a live collector: a share's trade in a year its exchange has no calendar
 * for builds no candle and is reported to `onMissing` (with `MARKET_CALENDAR_MISSING`), instead of
 * stopping the feed; trades and the rest of the pipeline go on.
 */
export function createLiveSessionBucketer(onMissing: (error: MarketError) => void): CandleBucketer {
  const sessionBucketer = createSessionBucketer();
  return function liveSessionBucketer(symbol, timeMs, interval) {
    try {
      return sessionBucketer(symbol, timeMs, interval);
    } catch (error) {
      if (!isMarketCalendarMissingError(error)) throw error;
      onMissing(error);
      return null;
    }
  };
}
