/**
 * @module `/api/v1/graphql` (and GraphiQL at `/api/v1/graphiql` when introspection is on): Mercurius
 * in its own encapsulated scope, so its error handler answers GraphQL's shape here only. Limits
 * are checked on the parsed document before graphql-js validates it; a batch is capped before
 * anything parses. Authentication is per resolver (markets are public, as in REST).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { GraphqlSettings } from '../config.ts';
import { GraphqlError } from '../errors.ts';
import { checkOperationLimits } from '../limits/operation-limits.ts';
import { createLoaders, createResolvers } from '../schema/resolvers.ts';
import { SDL } from '../schema/sdl.ts';
import type { GraphqlServices } from '../schema/services.ts';
import { formatErrors } from './error-formatter.ts';
import { RouteAccess } from '@tickline/protocol';

export const GRAPHQL_PATH = '/graphql';
/** Persisted queries kept per process. */
export const PERSISTED_QUERY_CACHE_SIZE = 1_024;

export function graphqlRoutes(settings: GraphqlSettings, services: GraphqlServices): FastifyPluginAsync {
  return async function graphql(app) {
    // Mercurius's routes carry JSON schemas; the app validates with zod. Here the GraphQL parser and
    // validator are the input check, so the transport passes bodies through as parsed JSON.
    app.setValidatorCompiler(() => () => true);
    // Not REST: the schema is documented in docs/graphql.md, not in the OpenAPI document.
    // Mercurius adds its routes itself; their access rule is declared here, where they are
    // registered: public at the transport, each resolver checks the caller and scope REST's route
    // checks.
    app.addHook('onRoute', function declarePublicHidden(route) {
      route.schema = Object.assign({}, route.schema, { hide: true });
      route.config = { ...route.config, scope: RouteAccess.Public };
    });
    app.addHook('preValidation', async function capBatch(request: FastifyRequest) {
      if (Array.isArray(request.body) && request.body.length > settings.maxBatch)
        throw new GraphqlError('GRAPHQL_BATCH_EXCEEDED', `more than ${settings.maxBatch} operations`, {
          details: { limit: settings.maxBatch },
        });
    });
    await app.register(mercurius, {
      schema: SDL,
      resolvers: createResolvers(services),
      loaders: createLoaders(services),
      path: GRAPHQL_PATH,
      graphiql: settings.introspection,
      allowBatchedQueries: true,
      // Automatic persisted queries (hash first, text on a miss), in a bounded LRU: a flood of
      // distinct queries evicts, it does not grow memory.
      persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(PERSISTED_QUERY_CACHE_SIZE),
      errorFormatter: formatErrors,
    });
    app.graphql.addHook('preValidation', async function limits(_schema, document) {
      checkOperationLimits(document, settings);
    });
  };
}
