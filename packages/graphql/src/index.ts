/**
 * @module @tickline/graphql — one GraphQL schema over the domains' services at `/api/v1/graphql`,
 * with REST's authentication, scopes and error codes, and limits on depth, aliases, cost, batches
 * and introspection. `graphqlModule` is what the composition root composes.
 */
export { graphqlModule } from './module/graphql-module.ts';
export { createGraphqlHost, type GraphqlHost, type GraphqlHostDeps } from './module/graphql-host.ts';
export { graphqlRoutes, GRAPHQL_PATH } from './module/graphql-routes.ts';
export { graphqlConfig, GraphqlSchema, type GraphqlSettings } from './config.ts';
export { GraphqlErrorCodes, GraphqlError, type GraphqlErrorCode } from './errors.ts';
export { checkOperationLimits, MAX_PAGE_SIZE, ASSUMED_PAGE_SIZE } from './limits/operation-limits.ts';
export { SDL } from './schema/sdl.ts';
export type {
  GraphqlServices,
  TickerView,
  MarketPort,
  StrategyPort,
  TradingPort,
  NotificationsPort,
  OperationsPort,
  LivePort,
} from './schema/services.ts';
export type { GraphqlRoutesOptions } from './module/graphql-routes.ts';
