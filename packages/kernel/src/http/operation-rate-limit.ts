/**
 * @module Counting operations that arrive inside one request or one long-lived connection — the
 * operations of a GraphQL batch, the subscriptions of a graphql-ws connection — against the
 * caller's rate limit. The server's `/api/v1` scope decorates itself with one under
 * {@link OPERATION_RATE_LIMIT}; a route plugin inside it finds it there, knowing nothing of the
 * limiter.
 */

/** The decoration's name on the Fastify scope that rate-limits its routes. */
export const OPERATION_RATE_LIMIT = 'ticklineOperationRateLimit';

export interface OperationRateLimit<TRequest> {
  /**
   * Takes `count` steps of the budget of `request`'s caller (an API key, a user by tier, or the
   * address), beyond the one its HTTP request already took.
   * @throws HTTP_RATE_LIMITED (429, with `details.retryAfterSeconds`) once it is spent
   */
  take(request: TRequest, count: number): Promise<void>;
}
