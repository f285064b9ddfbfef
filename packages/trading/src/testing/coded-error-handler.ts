/**
 * @module The gateway's error answers for test apps that mount the trading routes without the
 * server: coded errors with their catalogue status in the API's error shape
 * (`{ error: { code, message, details } }`, which the SDK parses), validation failures with 400.
 * The routes set no handler of their own, so in a process the gateway's one answers for them.
 */
import { listErrorCodes, TicklineError } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';

/** Answers coded errors with their catalogue status (the catalogues must be loaded first). */
export function answerCodedErrors(fastify: FastifyInstance): void {
  const statusOf = new Map(listErrorCodes().map((c) => [c.code, c.httpStatus]));
  fastify.setErrorHandler((error: unknown, _request, reply) => {
    const e = error as { code?: string; message?: string; validation?: unknown; statusCode?: number };
    const send = (status: number, code: string, message: string, details?: unknown) =>
      reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
    if (e.validation !== undefined)
      return send(400, 'HTTP_BAD_REQUEST', e.message ?? 'invalid request', { issues: e.validation });
    if (error instanceof TicklineError)
      return send(statusOf.get(error.code) ?? 500, error.code, error.message, error.details);
    return send(e.statusCode ?? 500, e.code ?? 'HTTP_INTERNAL', e.message ?? 'request failed');
  });
}
