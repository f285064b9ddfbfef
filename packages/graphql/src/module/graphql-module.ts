/**
 * @module GraphQL as a domain module: the `graphql` config section, a host binding the schema to
 * the domains that run here, and `/api/v1/graphql` among the API routes.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { graphqlConfig } from '../config.ts';
import { GraphqlErrorCodes } from '../errors.ts';
import { createGraphqlHost, type GraphqlHost, type GraphqlHostDeps } from './graphql-host.ts';
import { graphqlRoutes } from './graphql-routes.ts';

export const graphqlModule: DomainModule<
  typeof graphqlConfig.key,
  typeof graphqlConfig.schema,
  GraphqlHostDeps,
  GraphqlHost,
  FastifyPluginAsync
> = {
  name: 'graphql',
  errors: [GraphqlErrorCodes],
  config: graphqlConfig,
  migrations: undefined,
  after: ['identity', 'realtime', 'market', 'strategy', 'trading', 'notify', 'platform'],
  createHost: createGraphqlHost,
  routes: (host) =>
    host.settings.enabled
      ? graphqlRoutes(host.settings, host.ports, {
          ...(host.pingIntervalMs === undefined ? {} : { pingIntervalMs: host.pingIntervalMs }),
        })
      : undefined,
};
