/**
 * @module Identical reads within one request are read once. 30 aliases of `backtest(id: X)` in each
 * of 10 batched operations used to read the row (and its result) 300 times; now each root query
 * field with the same arguments, for the same HTTP request, shares one answer. Mutations are never
 * shared: each alias of a mutation is its own change.
 */
import type { Context } from '../schema/resolvers/types.ts';

type FieldResolver = (root: unknown, args: unknown, context: Context, info: unknown) => unknown;

/** The answers read so far per request (a batch's operations share their request). */
const readsOf = new WeakMap<object, Map<string, unknown>>();

function shared(field: string, resolve: FieldResolver): FieldResolver {
  return function sharedRead(root, args, context, info) {
    const request: object | undefined = context.reply?.request;
    if (request === undefined) return resolve(root, args, context, info);
    let reads = readsOf.get(request);
    if (reads === undefined) readsOf.set(request, (reads = new Map()));
    const key = `${field}:${JSON.stringify(args)}`;
    if (!reads.has(key)) reads.set(key, resolve(root, args, context, info));
    return reads.get(key);
  };
}

/** `resolvers` with each `Query` field read once per request and arguments. */
export function shareQueryReads(resolvers: Record<string, object>): Record<string, object> {
  const query = resolvers['Query'] as Record<string, unknown> | undefined;
  if (query === undefined) return resolvers;
  const wrapped: Record<string, unknown> = {};
  for (const [field, resolve] of Object.entries(query))
    wrapped[field] = typeof resolve === 'function' ? shared(field, resolve as FieldResolver) : resolve;
  return { ...resolvers, Query: wrapped };
}
