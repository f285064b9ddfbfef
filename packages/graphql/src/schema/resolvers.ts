/**
 * @module Resolvers: each authenticates through identity's port where REST's route does, checks
 * the same scope, and calls the same service. A refused field fails alone (its error carries the
 * code in `extensions.code`); the rest of the answer stands.
 */
import { ApiKeyScope, hasAdminPower } from '@tickline/protocol';
import { TicklineError, type Caller } from '@tickline/kernel';
import type { MercuriusContext } from 'mercurius';
import { GraphqlError } from '../errors.ts';
import { connectionOf, type ConnectionArgs } from './connection.ts';
import type { GraphqlServices, StrategyVersionView, StrategyView } from './services.ts';

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
    throw new GraphqlError('GRAPHQL_FIELD_UNAVAILABLE', `${name} is not served by this process`, {
      details: { field: name },
    });
  return service;
}

/** Another user's portfolio answers as a missing one (REST's rule): ids are not probed. */
async function ownedPortfolio(services: GraphqlServices, context: MercuriusContext, id: string) {
  const portfolios = required(services.portfolios, 'portfolio');
  const caller = await callerOf(services, context, ApiKeyScope.PortfolioRead);
  const owner = await portfolios.ownerOf(id);
  // An admin reads others' portfolios only with admin power: the role and, for a key, the scope.
  if (owner === undefined || (owner !== caller.userId && !hasAdminPower(caller)))
    throw new TicklineError('STRATEGY_PORTFOLIO_NOT_FOUND', `no portfolio ${id}`, {
      details: { portfolioId: id },
    });
  return portfolios.summary(id);
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
      async portfolios(_root: unknown, args: ConnectionArgs, context: MercuriusContext) {
        const portfolios = required(services.portfolios, 'portfolios');
        const caller = await callerOf(services, context, ApiKeyScope.PortfolioRead);
        const ids = await portfolios.portfoliosOf(caller.userId);
        return connectionOf(
          ids.map((id) => portfolios.summary(id)),
          args,
        );
      },
      portfolio: (_root: unknown, args: { id: string }, context: MercuriusContext) =>
        ownedPortfolio(services, context, args.id),
      async strategies(_root: unknown, args: ConnectionArgs, context: MercuriusContext) {
        const strategies = required(services.strategies, 'strategies');
        const caller = await callerOf(services, context, ApiKeyScope.StrategiesRead);
        return connectionOf(await strategies.list(caller.userId), args);
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
    Portfolio: {
      positions: (portfolio: { id: string }) =>
        required(services.portfolios, 'portfolio').positions(portfolio.id),
    },
    Position: {
      // From the in-memory latest-value store: no query per position.
      ticker: (position: { symbol: string }) => services.market?.ticker(position.symbol) ?? null,
    },
    Strategy: {
      createdAt: (strategy: StrategyView) => strategy.createdAt.toISOString(),
    },
    StrategyVersion: {
      createdAt: (version: StrategyVersionView) => version.createdAt.toISOString(),
    },
    Market: {
      ticker: (market: { symbol: string }) => required(services.market, 'ticker').ticker(market.symbol),
    },
  };
}

/**
 * Per-request batched loaders (Mercurius runs one batch per field per tick): a page of strategies
 * reads all their versions in one statement instead of one per strategy.
 */
export function createLoaders(services: GraphqlServices) {
  return {
    Strategy: {
      async versions(queries: ReadonlyArray<{ obj: StrategyView }>) {
        const strategies = required(services.strategies, 'strategies');
        const byUser = new Map<string, string[]>();
        for (const { obj } of queries) byUser.set(obj.userId, [...(byUser.get(obj.userId) ?? []), obj.id]);
        const found = new Map<string, readonly StrategyVersionView[]>();
        for (const [userId, ids] of byUser)
          for (const [id, versions] of await strategies.versionsOf(userId, ids)) found.set(id, versions);
        return queries.map(({ obj }) => found.get(obj.id) ?? []);
      },
    },
  };
}
