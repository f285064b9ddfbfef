/**
 * @module Request context: echoes the request id and makes it the kernel correlation id for
 * everything the handler does, so events created during a request carry `correlationid`; and
 * measures the request's work (its SQL statements), which the access log reports.
 */
import { withCorrelation, type RequestWork } from '@tickline/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id.ts';

const works = new WeakMap<FastifyRequest, RequestWork>();

/** What `request` cost so far (undefined outside the context, e.g. a 404 before routing). */
export function requestWork(request: FastifyRequest): RequestWork | undefined {
  return works.get(request);
}

/**
 * Adds the hook to `app` (the root instance, so every route gets it). The rest of the request's
 * lifecycle runs from `done`, inside the context. On Node 24 this holds even when the body
 * arrives in a later socket read (app.test.ts sends one 50 ms after the headers); older Nodes
 * needed the context re-entered after body parsing, as @fastify/request-context does.
 */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', function enterRequestContext(request, reply, done) {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const work: RequestWork = { sqlStatements: 0 };
    works.set(request, work);
    withCorrelation({ correlationId: request.id, work }, done);
  });
}
