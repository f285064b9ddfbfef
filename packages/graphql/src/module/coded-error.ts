/**
 * @module The code an error answers with: a Tickline error's own (REST's codes, with details), an
 * input that fails REST's zod schema as REST's HTTP_BAD_REQUEST with the issues, anything else
 * unexpected (never echoed; the log has it). Shared by the HTTP error formatter and the
 * subscriptions, whose errors graphql-ws sends as they are thrown.
 */
import { describeErrorCode, isTicklineError } from '@tickline/kernel';
import { GraphQLError } from 'graphql';

/** What an error answers in `message` and `extensions`. */
export interface CodedError {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/** REST's code for input that fails validation. */
export const BAD_REQUEST = 'HTTP_BAD_REQUEST';
/** REST's code for an unexpected failure. */
export const INTERNAL = 'HTTP_INTERNAL';

interface ZodLikeIssue {
  path: PropertyKey[];
  code?: string;
  message: string;
  keys?: unknown;
}

function zodIssues(error: unknown): ZodLikeIssue[] | undefined {
  const e = error as { name?: unknown; issues?: unknown } | null;
  return e?.name === 'ZodError' && Array.isArray(e.issues) ? (e.issues as ZodLikeIssue[]) : undefined;
}

/** The code of a known failure, or undefined for an unexpected one. */
export function codeOfError(error: unknown): CodedError | undefined {
  const issues = zodIssues(error);
  if (issues) {
    // REST's `details.issues`: the field path, zod's rule and message, never the value.
    const shaped = issues.map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code ?? 'custom',
      message: i.message,
      ...(Array.isArray(i.keys) ? { keys: i.keys.map(String) } : {}),
    }));
    const message = shaped.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    return { code: BAD_REQUEST, message, details: { issues: shaped } };
  }
  if (isTicklineError(error) && describeErrorCode(error.code))
    return { code: error.code, message: error.message, details: error.details };
  return undefined;
}

/** `error` as a GraphQLError whose extensions carry its code (unexpected ones: HTTP_INTERNAL). */
export function codedGraphqlError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') return error;
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const coded = codeOfError(original) ?? { code: INTERNAL, message: 'internal error' };
  return new GraphQLError(coded.message, {
    ...(original instanceof Error ? { originalError: original } : {}),
    extensions: { code: coded.code, ...(coded.details ? { details: coded.details } : {}) },
  });
}
