/**
 * @module The GraphQL schema's types for the SDK, every part. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */

export type * from './common.ts';
export type * from './account.ts';
export type * from './market.ts';
export type * from './strategy.ts';
export type * from './trading.ts';
export type * from './notify.ts';
export type * from './admin.ts';
export type * from './subscriptions.ts';
export type * from './root.ts';
