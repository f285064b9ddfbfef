/**
 * @module The code an error answers with: a Tickline error's own (REST's codes, with details), an
 * input that fails REST's zod schema as REST's HTTP_BAD_REQUEST with the issues, anything else
 * unexpected — a coded 500 too — never echoed (the log has it); as REST, a store error keeps its
 * code but not its text (the statement). Shared by the HTTP error formatter and the
 * subscriptions, whose errors graphql-ws sends as they are thrown.
 */
import { clientView, describeErrorCode, isTicklineError } from '@tickline/kernel';
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
const FASTIFY_PREFIX = 'FST_';
/** REST's codes (the server's catalogue) for the statuses Fastify refuses a request with. */
const TRANSPORT_CODES: Readonly<Record<number, string>> = {
  400: BAD_REQUEST,
  413: 'HTTP_PAYLOAD_TOO_LARGE',
  415: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
};
const STATUS_OF_TRANSPORT_CODE = new Map(
  Object.entries(TRANSPORT_CODES).map(([status, code]) => [code, Number(status)]),
);

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
  if (!isTicklineError(error)) return undefined;
  const described = describeErrorCode(error.code);
  // A platform fault is unexpected (its text is for the log); a store error keeps only its code.
  return described === undefined ? undefined : clientView(error, described.httpStatus);
}

/**
 * REST's code for a request Fastify refused before GraphQL saw it (malformed or empty JSON, a body
 * over `http.bodyLimitBytes`, a content type nobody parses); undefined for anything else.
 */
export function transportRefusal(error: unknown): CodedError | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (typeof e?.code !== 'string' || !e.code.startsWith(FASTIFY_PREFIX)) return undefined;
  const status = e.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const code = TRANSPORT_CODES[status] ?? BAD_REQUEST;
  return { code, message: typeof e.message === 'string' ? e.message : code };
}

/** The status of a code this module answers with, where no loaded catalogue declares it. */
export function transportStatusOf(code: string): number | undefined {
  return STATUS_OF_TRANSPORT_CODE.get(code);
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
