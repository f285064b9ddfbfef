/**
 * @module Request context: echoes the request id and makes it the kernel correlation id for
 * everything the handler does, so events created during a request carry `correlationid`.
 */
import { withCorrelation } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id.ts';

/**
 * Adds the hook to `app` (the root instance, so every route gets it). The rest of the request's
 * lifecycle runs from `done`, inside the context. On Node 24 this holds even when the body
 * arrives in a later socket read (app.test.ts sends one 50 ms after the headers); older Nodes
 * needed the context re-entered after body parsing, as @fastify/request-context does.
 */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', function enterRequestContext(request, reply, done) {
    void reply.header(REQUEST_ID_HEADER, request.id);
    withCorrelation({ correlationId: request.id }, done);
  });
}
