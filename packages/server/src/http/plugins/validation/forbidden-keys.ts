/**
 * @module Prototype-poisoning keys named: Fastify's JSON parser refuses a body with a `__proto__`
 * or `constructor.prototype` key (rightly) with the same "Body is not valid JSON" as a body cut
 * short, which tells a client sending valid JSON that its JSON is broken.
 */
import { ServerError } from '../../../errors.ts';
import { summarizeIssues, type ValidationIssue } from './validation-issues.ts';

/** The issue code of a `__proto__` or `constructor.prototype` key in `details.issues`. */
export const FORBIDDEN_KEY_ISSUE_CODE = 'forbidden_key';

const ISSUE: ValidationIssue = {
  in: 'body',
  path: '',
  code: FORBIDDEN_KEY_ISSUE_CODE,
  message: 'holds a "__proto__" or "constructor.prototype" key, which no request may carry',
};

/**
 * The 400 for a refused body whose text is valid JSON — so what was refused is a poisoning key —
 * or undefined when the text is not JSON at all (the parser's own error says so). Runs only on a
 * refusal.
 */
export function forbiddenKeyError(body: string): ServerError | undefined {
  try {
    JSON.parse(body);
  } catch {
    return undefined;
  }
  return new ServerError('HTTP_BAD_REQUEST', summarizeIssues([ISSUE], 'body'), {
    details: { issues: [ISSUE] },
  });
}
