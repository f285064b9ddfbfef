/**
 * @module NUL (U+0000) refused at the door: PostgreSQL text and jsonb cannot hold it, so a string
 * carrying one reached the database as a 500 after the route had begun its work (a broadcast
 * already sent, then its audit row refused). Every JSON body and every URL is checked before any
 * route runs: 400 `HTTP_BAD_REQUEST` whose `details.issues` names where (`nul_character`). The same
 * parser names a refused `__proto__` or `constructor.prototype` key (forbidden-keys.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServerError } from '../../../errors.ts';
import { forbiddenKeyError } from './forbidden-keys.ts';
import { summarizeIssues, type ValidationIssue } from './validation-issues.ts';

/** The issue code of a NUL character in `details.issues`. */
export const NUL_ISSUE_CODE = 'nul_character';
const NUL = '\u0000';
const NUL_MESSAGE = 'contains a NUL character (U+0000), which text cannot hold';
// A NUL in a path parameter or the query string arrives percent-encoded: Node refuses a raw one.
const ENCODED_NUL = /%00/;

type ParseDone = (error: Error | null, body?: unknown) => void;
type CallbackJsonParser = (request: FastifyRequest, body: string, done: ParseDone) => void;

interface Pending {
  value: unknown;
  /** Dotted path of `value` ('' for the root). */
  path: string;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
// The path goes back in the answer as JSON: name the NUL, do not echo it.
const visible = (key: string) => key.replaceAll(NUL, '\\u0000');

/**
 * The dotted path of the first string or object key holding a NUL in a parsed JSON value, or
 * undefined. Walks with its own stack, so a deeply nested body cannot overflow the call stack.
 * @example findNul({ tags: ['a', 'b\u0000'] }) // 'tags.1'
 */
export function findNul(value: unknown): string | undefined {
  const stack: Pending[] = [{ value, path: '' }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: item, path } = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], path: join(path, String(i)) });
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (key.includes(NUL)) return join(path, visible(key));
        stack.push({ value: child, path: join(path, key) });
      }
    }
  }
  return undefined;
}

/** The 400 for a NUL found in `where` (`body`, `url`) at `path`. */
export function nulCharacterError(where: 'body' | 'url', path: string): ServerError {
  const issues: ValidationIssue[] = [{ in: where, path, code: NUL_ISSUE_CODE, message: NUL_MESSAGE }];
  return new ServerError('HTTP_BAD_REQUEST', summarizeIssues(issues, where), { details: { issues } });
}

/**
 * Replaces the app's JSON body parser with Fastify's own followed by the NUL check, and refuses a
 * percent-encoded NUL anywhere in the URL. On the root instance, before any route: every scope
 * (`/api/v1`, GraphQL's) inherits both.
 */
export function registerNulRefusal(app: FastifyInstance): void {
  // Fastify's defaults for prototype and constructor poisoning: refuse the body.
  const parseJson = app.getDefaultJsonParser('error', 'error') as CallbackJsonParser;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    function parseJsonRefusingNul(request: FastifyRequest, body: string, done: ParseDone) {
      parseJson(request, body, (error, parsed) => {
        // Fastify says "not valid JSON" for a poisoning key too: name what was refused instead.
        if (error) return done(forbiddenKeyError(body) ?? error);
        // Only a body whose text holds an escape can hold a NUL: most skip the walk.
        const path = body.includes('\\u0000') ? findNul(parsed) : undefined;
        if (path !== undefined) return done(nulCharacterError('body', path));
        done(null, parsed);
      });
    },
  );
  app.addHook('onRequest', async function refuseNulInUrl(request: FastifyRequest) {
    if (ENCODED_NUL.test(request.url)) throw nulCharacterError('url', '');
  });
}
