/** @module Portfolios: the books (core ledger on order events) and their SQL projection. */
export { CorePortfolioLedger, symbolAssets } from './portfolio-ledger.ts';
export type { PortfolioPosition } from './portfolio-ledger.ts';
export { LedgerRiskView } from './ledger-risk-view.ts';
export {
  createPortfolioProjection,
  projectPortfolioEvents,
  PORTFOLIO_PROJECTION_CONSUMER,
  PORTFOLIO_PROJECTION_EVENTS,
} from './portfolio-projection.ts';
export type { OpeningPosition } from './portfolio-ledger.ts';
export { readEquityHistory } from './equity-history.ts';
export type { EquityPoint } from './equity-history.ts';
export { exitReasonOf, fillsOf, MANUAL_RUN, roundTrips, utcDay } from './round-trips.ts';
export type { ClosedTrade, OpenTrade, TradeFill } from './round-trips.ts';
export { profitSummary } from './profit-summary.ts';
export type { ProfitBucket, ProfitSummary } from './profit-summary.ts';
