/**
 * @module Candle intervals: the closed set every side names (the market's aggregation, the REST
 * query parameter, channel names, the dashboard's picker). UTC-aligned; each divides a day.
 */
import { z } from 'zod';

/** Candle intervals, shortest first. */
export const CandleInterval = {
  S1: '1s',
  M1: '1m',
  M5: '5m',
  M15: '15m',
  H1: '1h',
  D1: '1d',
} as const;
export type CandleInterval = (typeof CandleInterval)[keyof typeof CandleInterval];

/** Every interval, shortest first, as a tuple (what `z.enum` takes). */
export const CANDLE_INTERVALS = Object.values(CandleInterval) as [CandleInterval, ...CandleInterval[]];

/** An interval name. */
export const CandleIntervalSchema = z.enum(CANDLE_INTERVALS);

/** True for a known interval name. */
export function isCandleInterval(value: string): value is CandleInterval {
  return (CANDLE_INTERVALS as readonly string[]).includes(value);
}
