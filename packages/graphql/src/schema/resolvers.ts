/**
 * @module Resolvers: each authenticates through identity's port where REST's route does, checks
 * the same scope, and calls the same service. A refused field fails alone (its error carries the
 * code in `extensions.code`); the rest of the answer stands.
 */
import type { Caller } from '@tickline/kernel';
import type { MercuriusContext } from 'mercurius';
import { GraphqlError } from '../errors.ts';
import { connectionOf, type ConnectionArgs } from './connection.ts';
import type { GraphqlServices } from './services.ts';

/** Authenticates the request once (identity caches it) and returns the caller, who needs `scope`. */
async function callerOf(
  services: GraphqlServices,
  context: MercuriusContext,
  scope?: string,
): Promise<Caller> {
  const request = context.reply.request;
  await services.auth.authenticate(request);
  return services.auth.caller(request, scope);
}

function required<T>(service: T | undefined, name: string): T {
  if (service === undefined)
    throw new GraphqlError('GRAPHQL_INVALID_QUERY', `${name} is not served by this process`, {
      details: { field: name },
    });
  return service;
}

export function createResolvers(services: GraphqlServices) {
  return {
    Query: {
      me: (_root: unknown, _args: unknown, context: MercuriusContext) => callerOf(services, context),
      async apiKeys(_root: unknown, args: ConnectionArgs, context: MercuriusContext) {
        const list = required(services.apiKeys, 'apiKeys');
        await callerOf(services, context);
        return connectionOf(await list(context.reply.request), args);
      },
      markets(_root: unknown, args: ConnectionArgs) {
        const market = required(services.market, 'markets');
        return connectionOf(
          market.symbols().map((symbol) => ({ symbol })),
          args,
        );
      },
      ticker(_root: unknown, args: { symbol: string }) {
        return required(services.market, 'ticker').ticker(args.symbol);
      },
    },
    Market: {
      ticker: (market: { symbol: string }) => required(services.market, 'ticker').ticker(market.symbol),
    },
  };
}
