/** @module Corporate actions: splits and cash dividends stored per symbol, and adjusted reads. */
export {
  AdjustMode,
  ADJUST_MODES,
  CorporateActionKind,
  adjustBars,
  factorAt,
  adjustmentsOf,
  splitContradiction,
} from './adjust.ts';
export { storeCorporateActions, listCorporateActions, exTimeOf } from './actions-store.ts';
export { adjustmentsFor, queryAdjustedCandles } from './adjusted-reads.ts';
export type { Adjustment, CorporateAction, PriceBar } from './adjust.ts';
export type { CorporateActionInput, StoreCorporateActionsResult } from './actions-store.ts';
export type { AdjustmentSet } from './adjusted-reads.ts';
