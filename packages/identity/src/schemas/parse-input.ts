/** @module One way to validate input: zod schema → typed value, or IDENTITY_INVALID_INPUT. */
import type { z } from 'zod';
import { IdentityError } from '../errors.ts';

/** A field problem; never echoes the submitted value (it may be a password). */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * Parses `input` with `schema`.
 * @throws IdentityError IDENTITY_INVALID_INPUT with `details.issues`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

export function invalidInput(issues: InputIssue[]): IdentityError {
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return new IdentityError('IDENTITY_INVALID_INPUT', `invalid input: ${summary}`, { details: { issues } });
}
