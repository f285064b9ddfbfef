/** @module The shapes resolvers and loaders are written in (Mercurius's, narrowed). */
import type { MercuriusContext } from 'mercurius';

export type Context = MercuriusContext;

/** A field resolver. */
export type Resolver<TParent = unknown, TArgs = Record<string, unknown>> = (
  parent: TParent,
  args: TArgs,
  context: Context,
) => unknown;

/** A Mercurius loader: one call per field per tick, with every parent (and its arguments) asking. */
export type Loader<TParent = unknown, TArgs = Record<string, unknown>> = (
  queries: ReadonlyArray<{ obj: TParent; params: TArgs }>,
  context: Context,
) => Promise<unknown[]>;

export type ResolverMap = Record<string, Record<string, unknown>>;
export type LoaderMap = Record<string, Record<string, Loader<any, any>>>;

/** Arguments without the nulls a client may send for "not given" (REST's schemas take absent fields). */
export function given<T extends Record<string, unknown>>(args: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** Groups `items` by a key, keeping their order, for loaders that read once per owner. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
