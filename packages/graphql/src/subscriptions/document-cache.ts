/**
 * @module Subscription documents by text, parsed and checked once: thousands of clients send the
 * same few subscriptions, and each kept a parsed copy (~7 KB for a small one, its tokens and
 * locations) for its connection's life. A bounded LRU: a flood of distinct texts evicts, it does
 * not grow memory; a document that fails its check is not kept.
 */
import { GraphQLError, parse, type DocumentNode } from 'graphql';

/** Documents kept per endpoint. */
export const SUBSCRIPTION_DOCUMENT_CACHE_SIZE = 256;

/**
 * A function from query text to its checked document: `check` throws for one over the limits or
 * invalid (then nothing is kept); a syntax error is GRAPHQL_INVALID_QUERY.
 */
export function cachedDocuments(
  check: (document: DocumentNode) => void,
  size = SUBSCRIPTION_DOCUMENT_CACHE_SIZE,
): (query: string) => DocumentNode {
  const byText = new Map<string, DocumentNode>();
  return function documentOf(query) {
    let document = byText.get(query);
    if (document !== undefined) {
      byText.delete(query); // re-inserted below: the newest use goes last
    } else {
      try {
        document = parse(query);
      } catch (error) {
        throw new GraphQLError(error instanceof Error ? error.message : String(error), {
          extensions: { code: 'GRAPHQL_INVALID_QUERY' },
        });
      }
      check(document);
      if (byText.size >= size) byText.delete(byText.keys().next().value!);
    }
    byText.set(query, document);
    return document;
  };
}
