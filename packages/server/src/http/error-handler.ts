/**
 * @module One mapping from errors to HTTP responses: `{ error: { code, message, details } }` with
 * the status from the error catalogue. A 500 is always `HTTP_INTERNAL` with a fixed message (the
 * log has the error). Unknown routes answer 404 in the same shape.
 */
import { clientView, isStoreCode, isTicklineError, listErrorCodes } from '@tickline/kernel';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerErrorCodes, type ServerErrorCode } from '../errors.ts';
import { issuesFromFastify, issuesFromZod, summarizeIssues } from './plugins/validation/validation-issues.ts';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

interface Mapped {
  status: number;
  body: ErrorBody;
}

const BY_STATUS: Record<number, ServerErrorCode> = {
  400: 'HTTP_BAD_REQUEST',
  404: 'HTTP_NOT_FOUND',
  408: 'HTTP_REQUEST_TIMEOUT',
  413: 'HTTP_PAYLOAD_TOO_LARGE',
  415: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  429: 'HTTP_RATE_LIMITED',
  431: 'HTTP_HEADERS_TOO_LARGE',
};

/** The whole message of every 500: what failed is in the log, under the request id. */
const INTERNAL_MESSAGE = 'internal error';

let statusByCode: Map<string, number> | undefined;

// Packages declare their codes as they load, so the table is read when first needed, then again
// for a code it does not know yet.
function statusFor(code: string): number | undefined {
  if (!statusByCode?.has(code)) statusByCode = new Map(listErrorCodes().map((e) => [e.code, e.httpStatus]));
  return statusByCode.get(code);
}

/** Maps any thrown value to a status and body. Exported for tests and for non-HTTP transports. */
export function mapError(error: unknown): Mapped {
  if (isZodError(error)) {
    const issues = issuesFromZod(error.issues);
    return shaped('HTTP_BAD_REQUEST', summarizeIssues(issues), { issues });
  }
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const where = fastifyError.validationContext;
    const issues = issuesFromFastify(fastifyError.validation, where);
    return shaped('HTTP_BAD_REQUEST', summarizeIssues(issues, where), { issues });
  }
  if (isTicklineError(error)) {
    const status = statusFor(error.code);
    if (status !== undefined) {
      // A platform fault says only that it failed; a store error keeps its code and status (a
      // client may retry on it), never its statement (kernel's clientView: GraphQL's rule too).
      const view = clientView(error, status);
      return view === undefined
        ? shaped('HTTP_INTERNAL', INTERNAL_MESSAGE)
        : { status, body: { error: view } };
    }
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'HTTP_BAD_REQUEST';
    return { status, body: { error: { code, message: fastifyError.message ?? code } } };
  }
  // Never echo an unexpected error's message: it may hold internals. The log has it.
  return shaped('HTTP_INTERNAL', INTERNAL_MESSAGE);
}

function shaped(code: ServerErrorCode, message: string, details?: Record<string, unknown>): Mapped {
  return {
    status: ServerErrorCodes[code].httpStatus,
    body: { error: { code, message, ...(details ? { details } : {}) } },
  };
}

function isZodError(
  error: unknown,
): error is { issues: Array<{ path: PropertyKey[]; code?: string; message: string; keys?: unknown }> } {
  return (
    error instanceof Error &&
    error.name === 'ZodError' &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any route or hook runs (a
 * path that does not percent-decode, an over-long parameter) would otherwise be answered in
 * Fastify's own shape (`{statusCode, code: 'FST_ERR_BAD_URL'}`) rather than ours.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = mapError(error);
  request.log.debug({ code: body.error.code, fastifyCode: error.code }, 'request rejected');
  void reply.status(status).send(body);
}

/** Installs the error and not-found handlers on the root instance. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const { status, body } = mapError(error);
    // Client mistakes are not server errors (STYLE §6): only 5xx, and a store error whatever its
    // status (a domain let it through untranslated), are logged as errors, in full.
    if (status >= 500 || (isTicklineError(error) && isStoreCode(error.code)))
      request.log.error({ err: error, code: body.error.code }, 'request failed');
    else request.log.debug({ code: body.error.code, message: body.error.message }, 'request rejected');
    // A refusal that says when to come back (a suspension, a quota window) says it the HTTP way too.
    const retryAfter = body.error.details?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number' && retryAfter > 0)
      void reply.header('retry-after', Math.ceil(retryAfter));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
    const { status, body } = shaped(
      'HTTP_NOT_FOUND',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.status(status).send(body);
  });
}
