/**
 * @module The answer's size, capped per request: the cost model bounds what an operation may ask
 * for, this bounds what it did answer (a deployment's larger stored results, a batch's operations
 * together). An answer over `graphql.maxResponseBytes` is replaced by GRAPHQL_RESPONSE_TOO_LARGE
 * before a byte of it is sent.
 */
import { describeErrorCode } from '@tickline/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';

const CODE = 'GRAPHQL_RESPONSE_TOO_LARGE';

/** An `onSend` hook answering GRAPHQL_RESPONSE_TOO_LARGE for an answer at `endpoint` over `maxBytes`. */
export function capResponseBytes(endpoint: string, maxBytes: number) {
  return async function capResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    if (request.routeOptions.url !== endpoint || typeof payload !== 'string') return payload;
    // A character takes at most 3 bytes in UTF-8 (4 for a pair of 2): counting is skipped below that.
    if (payload.length * 3 <= maxBytes || Buffer.byteLength(payload) <= maxBytes) return payload;
    reply.code(describeErrorCode(CODE)?.httpStatus ?? 400);
    return JSON.stringify({
      data: null,
      errors: [
        {
          message: `the answer is larger than ${maxBytes} bytes`,
          extensions: { code: CODE, details: { limit: maxBytes } },
        },
      ],
    });
  };
}
