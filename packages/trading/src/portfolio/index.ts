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
