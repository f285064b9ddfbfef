/** @module Small helpers shared by the market routes. */
import type { z } from 'zod';

/** The OpenAPI tag of every market route. */
export const MARKET_TAGS = ['market'];

/** What a route's zod schema hands the handler. */
export type Input<T extends z.ZodType> = z.output<T>;

/** Drops undefined values (the queries' options are exact optional properties). */
export function definedOnly<T extends Record<string, unknown>>(value: T): DefinedOnly<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as DefinedOnly<T>;
}

/** `T` without undefined values, as exact optional properties. */
export type DefinedOnly<T> = { [K in keyof T]?: Exclude<T[K], undefined> };
