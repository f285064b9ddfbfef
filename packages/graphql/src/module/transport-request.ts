/**
 * @module The GraphQL-over-HTTP request as the transport accepts it, checked before Mercurius reads
 * it: a POST body is an operation (`query` a string, `variables` and `extensions` objects,
 * `operationName` a string) or a batch of them; a GET's parameters are single strings. Mercurius
 * takes a `query` that is no string for a parsed document, so `{"query":123}` or an object reached
 * the resolvers' hooks and failed there as a 500. A refusal is a ZodError: REST's
 * `HTTP_BAD_REQUEST` with the failing fields (coded-error.ts).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

const JsonObject = z.record(z.string(), z.unknown());

// Loose: a client may send members of its own (GraphQL over HTTP lets a server ignore them).
const Operation = z.looseObject({
  query: z.string().optional(),
  operationName: z.string().nullish(),
  variables: JsonObject.nullish(),
  extensions: JsonObject.nullish(),
  persisted: z.boolean().optional(),
});

const Batch = z.array(Operation);

// Repeated parameters arrive as arrays: each must be one string.
const GetParameters = z.looseObject({
  query: z.string().optional(),
  operationName: z.string().optional(),
  variables: z.string().optional(),
  extensions: z.string().optional(),
});

/** Throws a ZodError naming each malformed member of the request's operation(s). */
export function checkTransportRequest(request: FastifyRequest): void {
  if (request.method === 'GET') GetParameters.parse(request.query);
  else if (request.method === 'POST') (Array.isArray(request.body) ? Batch : Operation).parse(request.body);
}
