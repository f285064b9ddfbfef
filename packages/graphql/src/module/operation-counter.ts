/**
 * @module Rate limits per operation: the `/api/v1` scope counts each HTTP request once; a batch of
 * n operations takes n − 1 more, and each subscription over graphql-ws one, from the same budget
 * (the server's limiter, found as the scope's `OPERATION_RATE_LIMIT` decoration). Without a
 * limiter (rate limiting off, tests), nothing is counted.
 */
import { OPERATION_RATE_LIMIT, type OperationRateLimit } from '@tickline/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface OperationCounter {
  /** @throws HTTP_RATE_LIMITED once the caller's budget is spent */
  count(request: FastifyRequest, operations: number): Promise<void>;
}

export function operationCounterOf(app: FastifyInstance): OperationCounter {
  const limit = app.hasDecorator(OPERATION_RATE_LIMIT)
    ? ((app as unknown as Record<string, unknown>)[
        OPERATION_RATE_LIMIT
      ] as OperationRateLimit<FastifyRequest>)
    : undefined;
  return {
    async count(request, operations) {
      if (limit !== undefined && operations > 0) await limit.take(request, operations);
    },
  };
}
