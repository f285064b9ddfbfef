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

export const GraphqlSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve /api/v1/graphql.'),
  introspection: z
    .boolean()
    .default(true)
    .describe(
      'Answer introspection queries and serve GraphiQL at /api/v1/graphiql. Turn off in production: the schema is in docs/graphql.md.',
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
      'Highest estimated cost of one operation: each field costs 1, times the `first` of the lists above it.',
    ),
  maxBatch: z.int().positive().default(DEFAULT_MAX_BATCH).describe('Most operations in one batched request.'),
});

export type GraphqlSettings = DeepReadonly<z.output<typeof GraphqlSchema>>;

/** The `graphql` section of the Tickline config. */
export const graphqlConfig = { key: 'graphql', schema: GraphqlSchema.prefault({}) } as const;
