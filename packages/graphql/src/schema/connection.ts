/**
 * @module Relay-style connections over a list a service already returned: opaque cursors (the
 * item's offset), `first`/`after` clamped to the largest page, and `pageInfo`.
 */
import { GraphqlError } from '../errors.ts';
import { ASSUMED_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits/operation-limits.ts';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; totalCount: number | null };
}

const CURSOR_PREFIX = 'o:';

const encodeCursor = (offset: number): string =>
  Buffer.from(`${CURSOR_PREFIX}${offset}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const offset = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isInteger(offset) || offset < 0)
    throw new GraphqlError('GRAPHQL_INVALID_QUERY', 'after is not a cursor this server gave', {
      details: { field: 'after' },
    });
  return offset;
}

/** `args.first` within 0…MAX_PAGE_SIZE, ASSUMED_PAGE_SIZE when absent. */
export function pageSizeOf(args: ConnectionArgs): number {
  return Math.max(0, Math.min(args.first ?? ASSUMED_PAGE_SIZE, MAX_PAGE_SIZE));
}

/**
 * A page a service cut by its own key (the inbox's `before` id): each node's key is its cursor,
 * and there is a next page when the service says so. Its length is not counted.
 */
export function keysetConnection<T>(
  page: readonly T[],
  keyOf: (node: T) => string,
  hasNextPage: boolean,
): Connection<T> {
  const edges = page.map((node) => ({ cursor: keyOf(node), node }));
  return {
    edges,
    nodes: [...page],
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null, totalCount: null },
  };
}

/** The page of `items` after `args.after`, at most `args.first` (clamped to MAX_PAGE_SIZE). */
export function connectionOf<T>(items: readonly T[], args: ConnectionArgs): Connection<T> {
  const first = pageSizeOf(args);
  const start = args.after ? decodeCursor(args.after) + 1 : 0;
  const page = items.slice(start, start + first);
  const edges = page.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    nodes: [...page],
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      endCursor: edges.at(-1)?.cursor ?? null,
      totalCount: items.length,
    },
  };
}
