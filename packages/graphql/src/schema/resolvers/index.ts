/**
 * @module The schema's resolvers and per-request loaders, one part per domain, merged by type.
 * Every resolver authenticates where REST's route does, checks the same scope and calls the same
 * service; a refused field fails alone with its code in `extensions.code`.
 */
import type { GraphqlServices } from '../services.ts';
import { accountResolvers } from './account.ts';
import { adminResolvers } from './admin.ts';
import { marketLoaders, marketResolvers } from './market.ts';
import { notifyResolvers } from './notify.ts';
import { JsonScalar } from './scalars.ts';
import { strategyLoaders, strategyResolvers } from './strategy.ts';
import { tradingLoaders, tradingResolvers } from './trading.ts';
import type { LoaderMap, ResolverMap } from './types.ts';

/** Merges per-domain maps type by type (a type's fields may come from several domains). */
export function mergeByType<T extends Record<string, Record<string, unknown>>>(parts: readonly T[]): T {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts)
    for (const [type, fields] of Object.entries(part)) merged[type] = { ...merged[type], ...fields };
  return merged as T;
}

/** The domains' resolvers, `more` (the subscriptions where they are served) and the JSON scalar. */
export function createResolvers(
  services: GraphqlServices,
  more: readonly ResolverMap[] = [],
): Record<string, object> {
  return {
    ...mergeByType<ResolverMap>([
      accountResolvers(services),
      marketResolvers(services),
      strategyResolvers(services),
      tradingResolvers(services),
      notifyResolvers(services),
      adminResolvers(services),
      ...more,
    ]),
    // Not merged: a scalar is a class instance, not a field map.
    JSON: JsonScalar,
  };
}

/**
 * Per-request batched loaders (Mercurius runs one batch per field per tick): every relation of a
 * page — versions and backtests of strategies, the strategy and result of a backtest, the report
 * of a research run, the ticker of a market or position, the runs of a portfolio, the strategy of
 * a run — is one read for the whole page, not one per item.
 */
export function createLoaders(services: GraphqlServices): LoaderMap {
  return mergeByType<LoaderMap>([
    marketLoaders(services),
    strategyLoaders(services),
    tradingLoaders(services),
  ]);
}
