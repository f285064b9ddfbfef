/**
 * @module GraphQL's config section `graphql`: whether the endpoint runs, whether the schema may be
 * introspected (and GraphiQL served), and the limits that refuse a costly query before it runs.
 * Light (zod only), for help.
 */
import type { DeepReadonly } from '@tickline/kernel';
import { z } from 'zod';

export const DEFAULT_MAX_DEPTH = 12;
export const DEFAULT_MAX_ALIASES = 30;
export const DEFAULT_MAX_COST = 5_000;
export const DEFAULT_MAX_BATCH = 10;
/** Bytes one request's answer may take, a batch's operations together. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024; // 4 MiB
/** Estimated cost one request of the rate limit covers; a costlier operation takes more. */
export const DEFAULT_COST_PER_REQUEST = 1_000;

export const GraphqlSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve /api/v1/graphql.'),
  introspection: z
    .boolean()
    .default(false)
    .describe(
      'Answer introspection queries and serve GraphiQL at /api/v1/graphiql, to anyone. Off by default (the schema is in docs/graphql.md); turn on for development.',
    ),
  maxDepth: z.int().positive().default(DEFAULT_MAX_DEPTH).describe('Deepest selection nesting accepted.'),
  maxAliases: z
    .int()
    .positive()
    .default(DEFAULT_MAX_ALIASES)
    .describe('Most aliased fields one operation may carry (each alias is another resolver run).'),
  maxCost: z
    .int()
    .positive()
    .default(DEFAULT_MAX_COST)
    .describe(
      'Highest estimated cost of one operation: each field costs 1, times the size of the lists above it (`first`, `limit`, or the most a list answers); a list of numbers or a JSON report costs what it weighs (docs/api.md).',
    ),
  maxBatch: z.int().positive().default(DEFAULT_MAX_BATCH).describe('Most operations in one batched request.'),
  maxResponseBytes: z
    .int()
    .positive()
    .default(DEFAULT_MAX_RESPONSE_BYTES)
    .describe(
      "Bytes of one answer (a batch's together); a larger one is refused with GRAPHQL_RESPONSE_TOO_LARGE.",
    ),
  costPerRequest: z
    .int()
    .positive()
    .default(DEFAULT_COST_PER_REQUEST)
    .describe(
      "Estimated cost one request of the rate limit covers: an operation costing more takes ceil(cost / costPerRequest) requests from the caller's rate limit.",
    ),
});

export type GraphqlSettings = DeepReadonly<z.output<typeof GraphqlSchema>>;

/** The `graphql` section of the Tickline config. */
export const graphqlConfig = { key: 'graphql', schema: GraphqlSchema.prefault({}) } as const;
