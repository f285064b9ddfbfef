/**
 * @module Ids that are UUIDs in the store, checked as REST's routes check them (`z.uuid()` in their
 * params): a malformed one fails its field with HTTP_BAD_REQUEST naming the argument, and never
 * reaches SQL (where PostgreSQL refused it and the field answered HTTP_INTERNAL).
 */
import { z } from 'zod';

/** `value`, if it is a UUID; else throws a ZodError whose issue's path is the argument's name. */
export function uuidArgument(name: string, value: string): string {
  return z.object({ [name]: z.uuid() }).parse({ [name]: value })[name] as string;
}

/** The same for an optional argument: absent (null) stays absent. */
export function optionalUuidArgument(name: string, value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : uuidArgument(name, value);
}
