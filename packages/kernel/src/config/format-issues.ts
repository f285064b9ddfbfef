/**
 * @module Validation issues as operator-facing lines: field, where it was set, the value given,
 * what is allowed — `config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535`.
 */
import type { z } from 'zod';
import type { ConfigOrigin } from './env-overlay.ts';
import { getPath } from './object-path.ts';
import { REDACTED, isSecretKey, redactSecrets, redactUrlCredentials } from './redact.ts';
import type { ConfigField } from './schema-fields.ts';

/** One failing field, as carried in the error's details. */
export interface ConfigProblem {
  key: string;
  /** Where the value came from (env variable, file, option), when it was given. */
  origin?: string;
  given?: unknown;
  allowed?: string;
  message: string;
}

/** What {@link describeIssues} needs to know about the attempt. */
export interface IssueContext {
  fields: readonly ConfigField[];
  /** Origins of values set outside the file, by field key. */
  origins: ReadonlyMap<string, ConfigOrigin>;
  /** The merged input that failed validation. */
  input: Record<string, unknown>;
  /** Label for values that came from the file. */
  fileLabel?: string;
}

/** One problem per issue, with the message line already written. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigProblem[] {
  return issues.map((issue) => describeIssue(issue, context));
}

function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): ConfigProblem {
  const path = issue.path.filter((segment): segment is string => typeof segment === 'string');
  if (issue.code === 'unrecognized_keys') {
    const parent = path.join('.');
    const keys = issue.keys.map((key) => (parent ? `${parent}.${key}` : key));
    const allowed = childKeys(context.fields, path);
    const where = context.fileLabel ? ` (in ${context.fileLabel})` : '';
    return {
      key: keys.join(', '),
      allowed: allowed.join(', '),
      message: `config error: unknown field ${keys.join(', ')}${where}; allowed here: ${allowed.join(', ')}`,
    };
  }
  const field = fieldFor(context.fields, path);
  const key = field?.key ?? (path.join('.') || '(root)');
  const origin = context.origins.get(key);
  const label = origin?.label ?? context.fileLabel;
  const given = hideSecret(
    key,
    origin !== undefined ? origin.raw : getPath(context.input, field?.path ?? path),
  );
  const expected = field !== undefined && isValueIssue(issue) ? field.allowed : issue.message;
  const where = label !== undefined && given !== undefined ? ` (${origin ? label : `in ${label}`})` : '';
  const problem: ConfigProblem = { key, message: '' };
  if (label !== undefined && given !== undefined) problem.origin = label;
  if (field !== undefined) problem.allowed = field.allowed;
  if (given === undefined) {
    problem.message = `config error: ${key} is required: expected ${expected}`;
  } else {
    problem.given = given;
    problem.message = `config error: ${key}${where} = ${show(given)}: expected ${expected}`;
  }
  return problem;
}

// Refinements carry their own message; type and range failures are better said by the field's rule.
function isValueIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code !== 'custom';
}

function fieldFor(fields: readonly ConfigField[], path: readonly string[]): ConfigField | undefined {
  let best: ConfigField | undefined;
  for (const field of fields) {
    if (field.path.length > path.length || (best && best.path.length >= field.path.length)) continue;
    if (field.path.every((segment, i) => segment === path[i])) best = field;
  }
  return best;
}

function childKeys(fields: readonly ConfigField[], parent: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const field of fields) {
    if (parent.every((segment, i) => field.path[i] === segment) && field.path.length > parent.length) {
      keys.add(field.path[parent.length]!);
    }
  }
  return [...keys];
}

// A rejected password is still a password: never echo it, nor one inside a rejected structure
// (an OIDC provider list given as JSON carries each provider's clientSecret).
function hideSecret(key: string, value: unknown): unknown {
  if (value === undefined) return value;
  if (isSecretKey(key.split('.').at(-1) ?? key)) return REDACTED;
  if (typeof value !== 'string') return redactSecrets(value);
  const text = value.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      return JSON.stringify(redactSecrets(JSON.parse(text) as unknown));
    } catch {
      // Not JSON: redacted as text below.
    }
  }
  return redactUrlCredentials(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
