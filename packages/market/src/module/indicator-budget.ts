/**
 * @module The work an indicator request may cause before it starts: the candles it reads are its
 * limit plus the warm-up its periods need (MACD 1,000/1,000 over 5,000 points reads 13,000, about
 * 3.6 s of the server's CPU on the embedded database). An anonymous caller is held to what a
 * candle read may return, so a stranger's indicator costs no more than a stranger's candles.
 */
import { MarketError } from '../port/errors.ts';
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from '../storage/queries.ts';
import { indicatorParams, warmupBars, type IndicatorParams } from './indicator-points.ts';
import type { IndicatorName } from './market-route-schemas.ts';

/** Candles an anonymous indicator request may read: a full candle page plus a 500-bar warm-up. */
export const ANONYMOUS_INDICATOR_MAX_BARS = MAX_QUERY_LIMIT + 500;

/** Candles (per exchange) an indicator request reads: its points plus their warm-up. */
export function indicatorBars(
  name: IndicatorName,
  limit: number | undefined,
  params: IndicatorParams,
): number {
  return (limit ?? DEFAULT_QUERY_LIMIT) + warmupBars(name, indicatorParams(name, params));
}

/** @throws MARKET_INDICATOR_TOO_COSTLY when the request reads more than `maxBars` candles. */
export function checkIndicatorBudget(
  name: IndicatorName,
  limit: number | undefined,
  params: IndicatorParams,
  maxBars: number,
): void {
  const bars = indicatorBars(name, limit, params);
  if (bars <= maxBars) return;
  throw new MarketError(
    'MARKET_INDICATOR_TOO_COSTLY',
    `this indicator reads ${bars} candles (limit plus warm-up); an anonymous request may read ${maxBars}: ask for fewer points or shorter periods, or sign in`,
    { details: { bars, maxBars } },
  );
}
