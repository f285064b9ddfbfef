/** @module Candle intervals and UTC bucket alignment. Every interval divides a day, so epoch-aligned is UTC-aligned. */
import { CANDLE_INTERVALS } from '../config.ts';
import type { CandleInterval } from '../port/market-message.ts';

/** Interval lengths in milliseconds. */
export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = Object.freeze({
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
});

/** All intervals, shortest first (the config's list). */
export const ALL_INTERVALS: readonly CandleInterval[] = Object.freeze([...CANDLE_INTERVALS]);

/** The open time of the bucket holding `timeMs`. */
export function bucketStart(timeMs: number, interval: CandleInterval): number {
  const ms = INTERVAL_MS[interval];
  return Math.floor(timeMs / ms) * ms;
}

/** True for a known interval name. */
export function isCandleInterval(value: string): value is CandleInterval {
  return Object.hasOwn(INTERVAL_MS, value);
}

/** The time span of one candle: open inclusive, close exclusive (epoch ms). */
export interface CandleBucket {
  readonly openTime: number;
  readonly closeTime: number;
}

/**
 * Where a trade of `symbol` at `timeMs` goes for `interval`; null when it belongs in no candle
 * (a share's trade outside its exchange's session: see calendars/session-buckets.ts).
 */
export type CandleBucketer = (
  symbol: string,
  timeMs: number,
  interval: CandleInterval,
) => CandleBucket | null;

/** The UTC-aligned bucket of `timeMs`: what every interval uses without a calendar. */
export function utcBucket(timeMs: number, interval: CandleInterval): CandleBucket {
  const openTime = bucketStart(timeMs, interval);
  return { openTime, closeTime: openTime + INTERVAL_MS[interval] };
}
