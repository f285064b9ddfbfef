/**
 * @module Adjusted reads: the factors a symbol's stored corporate actions give a read of one
 * interval (as of a data version when asked), and candles read with them applied. The raw candles
 * are never rewritten.
 */
import type { SqlQueryable } from '@tickline/store';
import type { CandleInterval } from '../port/market-message.ts';
import { queryCandles, type CandleQuery, type StoredCandle } from '../storage/queries.ts';
import { closeBefore, listCorporateActions } from './actions-store.ts';
import { adjustBars, adjustmentsOf, AdjustMode, type Adjustment, type CorporateAction } from './adjust.ts';

/** The factors and the actions they come from. */
export interface AdjustmentSet {
  adjustments: Adjustment[];
  /** Every action of the symbol (flagged ones too, which were not applied). */
  actions: CorporateAction[];
}

/**
 * The factors for reading `symbol` at `interval` adjusted by `mode`; a dividend's factor divides by
 * the close before its ex date on the same interval.
 */
export async function adjustmentsFor(
  sql: SqlQueryable,
  symbol: string,
  interval: CandleInterval,
  mode: AdjustMode,
  asOfVersion?: number,
): Promise<AdjustmentSet> {
  if (mode === AdjustMode.None) return { adjustments: [], actions: [] };
  const actions = await listCorporateActions(sql, symbol, asOfVersion);
  const closes = new Map<number, number | undefined>();
  for (const a of actions) {
    if (a.kind === 'dividend' && mode === AdjustMode.Total)
      closes.set(a.exTime, await closeBefore(sql, symbol, interval, a.exTime, asOfVersion));
  }
  return { adjustments: adjustmentsOf(actions, mode, (t) => closes.get(t)), actions };
}

/** {@link queryCandles}, adjusted by `adjust` (`none` reads them raw). */
export async function queryAdjustedCandles(
  sql: SqlQueryable,
  query: CandleQuery & { adjust: AdjustMode },
): Promise<{ candles: StoredCandle[]; actions: CorporateAction[] }> {
  const { adjust, ...raw } = query;
  const candles = await queryCandles(sql, raw);
  const set = await adjustmentsFor(sql, query.symbol, query.interval, adjust, query.asOfVersion);
  return { candles: adjustBars(candles, set.adjustments), actions: set.actions };
}
