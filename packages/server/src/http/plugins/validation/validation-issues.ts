/**
 * @module Validation failures in one form for `details.issues`: where (body, querystring, params,
 * headers), which field, which rule, and for unknown fields their names. Never the submitted
 * value: it may be a password.
 */

/** One failed rule. */
export interface ValidationIssue {
  /** `body`, `querystring`, `params` or `headers` when known. */
  in?: string;
  /** Dotted field path; '' for the whole part. */
  path: string;
  /** zod's issue code: `invalid_type`, `unrecognized_keys`, `too_big`, … */
  code: string;
  message: string;
  /** Unknown fields, for `unrecognized_keys`. */
  keys?: string[];
}

interface ZodLikeIssue {
  path: PropertyKey[];
  code?: string;
  message: string;
  keys?: unknown;
}

interface FastifyValidationItem {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: unknown };
}

/** From zod issues (a ZodError thrown by a handler). */
export function issuesFromZod(issues: readonly ZodLikeIssue[], where?: string): ValidationIssue[] {
  return issues.map((issue) =>
    shape(where, issue.path.map(String).join('.'), issue.code ?? 'custom', issue.message, issue.keys),
  );
}

/** From Fastify's `error.validation` (the zod validator compiler fills it). */
export function issuesFromFastify(
  items: readonly FastifyValidationItem[],
  where?: string,
): ValidationIssue[] {
  return items.map((item) =>
    shape(
      where,
      (item.instancePath ?? '').split('/').filter(Boolean).join('.'),
      item.keyword ?? 'custom',
      item.message ?? 'invalid',
      item.params?.keys,
    ),
  );
}

/** `invalid body: unknown field(s) role; email: Invalid email address` */
export function summarizeIssues(issues: readonly ValidationIssue[], where?: string): string {
  const parts = issues.map((issue) =>
    issue.keys ? `unknown field(s) ${issue.keys.join(', ')}` : `${issue.path || '(root)'}: ${issue.message}`,
  );
  return `invalid ${where ?? 'input'}: ${parts.join('; ')}`;
}

function shape(where: string | undefined, path: string, code: string, message: string, keys: unknown) {
  const issue: ValidationIssue = { ...(where ? { in: where } : {}), path, code, message };
  if (Array.isArray(keys)) issue.keys = keys.map(String);
  return issue;
}
