/**
 * @module How a share's chart adjusts its prices for corporate actions (docs/market-data.md): split
 * adjusted by default, so a split draws no cliff; total return folds dividends in too; raw shows
 * the prices as they traded. Pairs have no corporate actions and are always raw.
 */
import { SHARE_SYMBOL_PATTERN, type AdjustModeName } from '@tickline/protocol';

const SHARE = new RegExp(`^${SHARE_SYMBOL_PATTERN}$`);

/** The choices a share's chart offers, in the order shown. */
export const ADJUSTMENTS: ReadonlyArray<{ value: AdjustModeName; label: string }> = [
  { value: 'split', label: 'Split-adjusted' },
  { value: 'total', label: 'Total return' },
  { value: 'none', label: 'Raw' },
];

/** Whether `symbol` is a share (`AAPL.US`, `005930.KS`), which may have corporate actions. */
export const isShare = (symbol: string): boolean => SHARE.test(symbol);

/** What a chart of `symbol` shows first: split-adjusted for a share, raw for a pair. */
export const defaultAdjustment = (symbol: string): AdjustModeName => (isShare(symbol) ? 'split' : 'none');

/** The candle history's query string (`adjust` only where it changes anything). */
export function candlesQuery(interval: string, limit: number, exchange: string | undefined, adjust: AdjustModeName): string {
  return new URLSearchParams({
    interval,
    limit: String(limit),
    ...(exchange ? { exchange } : {}),
    ...(adjust === 'none' ? {} : { adjust }),
  }).toString();
}
