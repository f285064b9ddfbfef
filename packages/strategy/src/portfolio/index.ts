/** @module Portfolios: the books (core ledger on order events) and their SQL projection. */
export { CorePortfolioLedger, symbolAssets } from './portfolio-ledger.ts';
export type { PortfolioPosition } from './portfolio-ledger.ts';
