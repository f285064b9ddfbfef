/**
 * @module `/api/v1/graphql` (and GraphiQL at `/api/v1/graphiql` when introspection is on): Mercurius
 * in its own encapsulated scope, so its error handler answers GraphQL's shape here only. Limits
 * are checked on the parsed document before graphql-js validates it; a batch is capped before
 * anything parses, and its operations beyond the first are counted against the caller's rate limit
 * (the request itself was counted by the `/api/v1` scope), as is an operation's estimated cost
 * past `costPerRequest`. Identical reads of a request are read once and its answer's bytes are
 * capped (limits/). Where a realtime hub runs, the same path
 * serves subscriptions over graphql-ws (subscriptions/). Authentication is per resolver (markets
 * are public, as in REST).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { buildSchema, GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import mercurius, { type IResolvers } from 'mercurius';
import type { GraphqlSettings } from '../config.ts';
import { GraphqlError } from '../errors.ts';
import { refuseNulStrings } from '../limits/nul-strings.ts';
import { checkOperationLimits } from '../limits/operation-limits.ts';
import { shareQueryReads } from '../limits/read-dedupe.ts';
import { capResponseBytes } from '../limits/response-cap.ts';
import { createLoaders, createResolvers } from '../schema/resolvers/index.ts';
import { guardRootFields } from '../schema/field-scopes.ts';
import { SDL } from '../schema/sdl.ts';
import type { GraphqlServices } from '../schema/services.ts';
import { cachedDocuments } from '../subscriptions/document-cache.ts';
import { registerSubscriptionServer } from '../subscriptions/subscription-server.ts';
import { subscriptionResolvers } from '../subscriptions/subscription-resolvers.ts';
import { SharedExecutions } from '../subscriptions/shared-execution.ts';
import { codedGraphqlError } from './coded-error.ts';
import { formatErrors } from './error-formatter.ts';
import { RouteAccess } from '@tickline/protocol';
import { operationCounterOf } from './operation-counter.ts';
import { checkTransportRequest } from './transport-request.ts';

export const GRAPHQL_PATH = '/graphql';
/** Persisted queries kept per process. */
export const PERSISTED_QUERY_CACHE_SIZE = 1_024;

/** Options of {@link graphqlRoutes} besides the settings and services. */
export interface GraphqlRoutesOptions {
  /** Period of the graphql-ws connections' pings (`realtime.pingIntervalMs`). @default 25_000 */
  pingIntervalMs?: number;
  /** Where subscriptions share their executions per event. @default one for this endpoint */
  subscriptionShares?: SharedExecutions;
}

const DEFAULT_PING_INTERVAL_MS = 25_000;
/** The schema's fields, read once to check each declares its scope. */
const EXECUTABLE_SDL = buildSchema(SDL);

/** A subscription's document is checked as Mercurius checks a query's: limits, then graphql-js validation. */
function checkSubscription(schema: GraphQLSchema, document: DocumentNode, settings: GraphqlSettings): void {
  try {
    checkOperationLimits(document, settings, schema);
  } catch (error) {
    throw codedGraphqlError(error);
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0)
    throw new GraphQLError(invalid.map((e) => e.message).join('; '), {
      extensions: { code: 'GRAPHQL_INVALID_QUERY' },
    });
}

export function graphqlRoutes(
  settings: GraphqlSettings,
  services: GraphqlServices,
  options: GraphqlRoutesOptions = {},
): FastifyPluginAsync {
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
    const operations = operationCounterOf(app);
    const endpoint = `${app.prefix}${GRAPHQL_PATH}`;
    // A request Mercurius would misread (a `query` that is no string, `variables` no object) is
    // refused before it runs, as REST refuses input: 400 HTTP_BAD_REQUEST in GraphQL's shape.
    app.addHook('preValidation', async function checkTransport(request: FastifyRequest) {
      if (request.routeOptions.url === endpoint) checkTransportRequest(request);
    });
    app.addHook('preValidation', async function capBatch(request: FastifyRequest) {
      if (!Array.isArray(request.body)) return;
      if (request.body.length > settings.maxBatch)
        throw new GraphqlError('GRAPHQL_BATCH_EXCEEDED', `more than ${settings.maxBatch} operations`, {
          details: { limit: settings.maxBatch },
        });
      await operations.count(request, request.body.length - 1);
    });
    // graphql-ws is served by subscriptions/ on Mercurius's GET route (its upgrades), not by
    // Mercurius: its per-connection state was 60 KB (ws-operations.ts). Mercurius's subscriptions
    // stay on so that it binds the Subscription fields' `subscribe` resolvers to the schema.
    if (services.live)
      await registerSubscriptionServer(app, {
        live: services.live,
        path: `${app.prefix}${GRAPHQL_PATH}`,
        pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
        document: cachedDocuments((document) => checkSubscription(app.graphql.schema, document, settings)),
      });
    // Each root field behind the scope the schema's table declares (field-scopes.ts); a field
    // without one stops the start here, before any request.
    const resolvers = shareQueryReads(
      guardRootFields(
        EXECUTABLE_SDL,
        services,
        createResolvers(
          services,
          services.live
            ? [
                subscriptionResolvers(
                  services,
                  operations,
                  options.subscriptionShares ?? new SharedExecutions(),
                ),
              ]
            : [],
        ),
      ),
    );
    app.addHook('onSend', capResponseBytes(endpoint, settings.maxResponseBytes));
    await app.register(mercurius, {
      schema: SDL,
      resolvers: resolvers as IResolvers,
      loaders: createLoaders(services),
      path: GRAPHQL_PATH,
      graphiql: settings.introspection,
      allowBatchedQueries: true,
      // Automatic persisted queries (hash first, text on a miss), in a bounded LRU: a flood of
      // distinct queries evicts, it does not grow memory.
      persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(PERSISTED_QUERY_CACHE_SIZE),
      errorFormatter: formatErrors,
      subscription: services.live !== undefined,
    });
    // Mercurius validates a document once and caches it: the cost measured then is kept with it.
    const costs = new WeakMap<DocumentNode, number>();
    app.graphql.addHook('preValidation', async function limits(schema, document) {
      costs.set(document, checkOperationLimits(document, settings, schema).cost);
      refuseNulStrings(document);
    });
    // Every run, cached or not: the request (or its place in a batch) covers `costPerRequest`; a
    // costlier operation takes more of the caller's rate limit, so costly aliases are paid for.
    app.graphql.addHook('preExecution', async function chargeCost(schema, document, context) {
      const cost = costs.get(document) ?? checkOperationLimits(document, settings, schema).cost;
      await operations.count(context.reply.request, Math.ceil(cost / settings.costPerRequest) - 1);
    });
  };
}
