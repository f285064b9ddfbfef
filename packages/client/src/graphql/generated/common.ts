/**
 * @module The GraphQL schema's common types for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */

export interface GqlLogLine {
  /** Milliseconds since the epoch. */
  time: number;
  text: string;
}

/**
 * Relay page information. totalCount is the whole list's length; null where the list is paged by a
 * key and its length is not counted (the inbox).
 */
export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number | null;
}

/** Why a job failed: an error code from docs/errors.md and its message. */
export interface GqlRunError {
  code: string;
  message: string;
}

/**
 * Every live event carries its id: pass the last one seen as `after` to resume from it. When the
 * gap cannot be filled from history, the first event is a `stream.reset` with no payload: reload
 * the state, then read on.
 */
export interface GqlStreamEvent {
  eventId: string;
  /** The event type (`market.ticker`, `order.filled`…), or `stream.reset`. */
  type: string;
}
