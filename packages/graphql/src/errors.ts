/** @module Errors of the GraphQL endpoint: stable `GRAPHQL_*` codes, answered in `extensions.code`. */
import { defineErrorCodes, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const GraphqlErrorCodes = defineErrorCodes({
  GRAPHQL_DEPTH_EXCEEDED: {
    meaning: 'The operation nests selections deeper than `graphql.maxDepth`.',
    resolve: 'Flatten the query, or fetch the deeper part in a second request.',
    httpStatus: 400,
  },
  GRAPHQL_ALIASES_EXCEEDED: {
    meaning: 'The operation carries more aliased fields than `graphql.maxAliases`.',
    resolve: 'Ask for a list (symbols, positions) instead of one alias per item.',
    httpStatus: 400,
  },
  GRAPHQL_COST_EXCEEDED: {
    meaning:
      'The estimated cost of the operation (fields times the `first` of the lists above them) is over `graphql.maxCost`.',
    resolve: 'Ask for fewer items per page (`first`) or fewer nested fields, and page with the cursors.',
    httpStatus: 400,
  },
  GRAPHQL_BATCH_EXCEEDED: {
    meaning: 'A batched request carries more operations than `graphql.maxBatch`.',
    resolve: 'Send the operations in several requests.',
    httpStatus: 400,
  },
  GRAPHQL_RESPONSE_TOO_LARGE: {
    meaning:
      "The answer to the request (a batch's operations together) is larger than `graphql.maxResponseBytes`.",
    resolve:
      'Ask for fewer items or fields per request (page with `first` and the cursors), or split the batch.',
    httpStatus: 400,
  },
  GRAPHQL_INTROSPECTION_DISABLED: {
    meaning:
      'The operation introspects the schema and `graphql.introspection` is off (the default) on this server.',
    resolve:
      'Read the schema in docs/graphql.md, or set `graphql.introspection: true` on a development server.',
    httpStatus: 400,
  },
  GRAPHQL_FIELD_UNAVAILABLE: {
    meaning:
      'The field reads a part no process reached here runs: live trading off or no event log, no market module on this role, or a domain this role neither runs nor forwards.',
    resolve:
      'Ask a process whose role runs that part (`tickline start --role all`, or a gateway: it reaches strategy and notify on their roles), or enable the part in the config.',
    httpStatus: 503,
  },
  GRAPHQL_PERSISTED_QUERY_NOT_FOUND: {
    meaning:
      'The request names a persisted query by its SHA-256 hash and this server does not hold it (never sent, or evicted). The message is `PersistedQueryNotFound`, as automatic persisted query clients expect.',
    resolve:
      'Send the request again with the query text and the same hash; later requests may send the hash alone.',
    httpStatus: 400,
  },
  GRAPHQL_INVALID_QUERY: {
    meaning: 'The document does not parse or does not validate against the schema.',
    resolve:
      'Check the field names and argument types against docs/graphql.md (`message` names the problem).',
    httpStatus: 400,
  },
});

export type GraphqlErrorCode = keyof typeof GraphqlErrorCodes;

export class GraphqlError extends TicklineError {
  override name = 'GraphqlError';
  constructor(code: GraphqlErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}
