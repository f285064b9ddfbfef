/**
 * @module Errors as GraphQL answers them: each error's Tickline code in `extensions.code` (with its
 * details), the same codes REST answers. A refusal before execution (limits, authentication of a
 * whole operation) takes the code's HTTP status; field errors leave the answer 200 with the rest of
 * the data. A request the transport refuses (malformed JSON, a body over the limit, a `query` that
 * is no string) answers REST's status and HTTP_* code. An unexpected error's message is never
 * echoed: the log has it.
 */
import { describeErrorCode } from '@tickline/kernel';
import {
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { codeOfError, INTERNAL, transportRefusal, transportStatusOf } from './coded-error.ts';

/** Mercurius's wrapper of graphql-js validation and syntax errors. */
const MERCURIUS_VALIDATION = 'MER_ERR_GQL_VALIDATION';
const MERCURIUS_PREFIX = 'MER_ERR_';
const INVALID = 'GRAPHQL_INVALID_QUERY';
/** Mercurius's refusals that have a code of their own; the rest are an invalid query. */
const MERCURIUS_CODES: Readonly<Record<string, string>> = {
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: 'GRAPHQL_PERSISTED_QUERY_NOT_FOUND',
};

function coded(error: GraphQLError, code: string, message: string, details?: unknown): GraphQLFormattedError {
  const formatted = error.toJSON();
  return { ...formatted, message, extensions: { code, ...(details ? { details } : {}) } };
}

/** One GraphQL error, or the several a validation failure carries, with codes. */
function formatOne(error: GraphQLError, log: MercuriusContext['app']['log']): GraphQLFormattedError[] {
  const original: (Error & { code?: string; errors?: unknown[]; statusCode?: number }) | undefined =
    error.originalError;
  if (original?.code === MERCURIUS_VALIDATION && Array.isArray(original.errors))
    return original.errors.map((e) => {
      const inner =
        e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e));
      return coded(inner, INVALID, inner.message);
    });
  // Coded where it was thrown (a subscription's error, a limit refused in a hook).
  if (typeof error.extensions['code'] === 'string' && !original?.code?.startsWith(MERCURIUS_PREFIX))
    return [error.toJSON()];
  if (original === undefined || original === null) return [coded(error, INVALID, error.message)];
  // Mercurius's own refusals of the request (no query, a GET mutation, a persisted query unknown).
  if (original.code?.startsWith(MERCURIUS_PREFIX) && Number(original.statusCode) < 500)
    return [coded(error, MERCURIUS_CODES[original.code] ?? INVALID, original.message)];
  // Fastify's refusals of the request (malformed JSON, too large): REST's code and status.
  const refused = transportRefusal(original);
  if (refused) return [coded(error, refused.code, refused.message)];
  const known = codeOfError(original);
  if (known) return [coded(error, known.code, known.message, known.details)];
  log.error({ err: original }, 'graphql resolver failed');
  return [coded(error, INTERNAL, 'internal error')];
}

export function formatErrors(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  context: MercuriusContext,
): { statusCode: number; response: FormattedExecutionResult } {
  const log = context.reply?.log ?? context.app.log;
  const errors = execution.errors.flatMap((error) => formatOne(error, log));
  let statusCode = 200;
  // Nothing ran (no error has a path into the data): answer the refusal's own status, as REST would.
  if (!execution.data && errors.length >= 1 && errors.every((e) => e.path === undefined)) {
    const code = errors[0]?.extensions?.['code'];
    statusCode =
      (typeof code === 'string' && (describeErrorCode(code)?.httpStatus ?? transportStatusOf(code))) || 400;
  }
  return { statusCode, response: { data: execution.data ?? null, errors } };
}
