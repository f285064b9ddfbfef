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
  pageInfo: { hasNextPage: boolean; endCursor: string | null; totalCount: number };
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

/** The page of `items` after `args.after`, at most `args.first` (clamped to MAX_PAGE_SIZE). */
export function connectionOf<T>(items: readonly T[], args: ConnectionArgs): Connection<T> {
  const first = Math.max(0, Math.min(args.first ?? ASSUMED_PAGE_SIZE, MAX_PAGE_SIZE));
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
