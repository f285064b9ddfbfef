/**
 * @module GraphQL on a running process: binds the schema's ports to the hosts of the domains that
 * run here (identity always; market where it runs), calling the services REST's routes call.
 */
import { principalOf, type IdentityHost } from '@tickline/identity';
import { TicklineError, type ModuleBaseDeps, type ModuleHost } from '@tickline/kernel';
import type { MarketHost } from '@tickline/market';
import type { StrategyHost } from '@tickline/strategy';
import type { GraphqlSettings } from '../config.ts';
import type { GraphqlServices } from '../schema/services.ts';

export interface GraphqlHostDeps extends ModuleBaseDeps<GraphqlSettings> {
  identity: IdentityHost;
  market?: MarketHost | undefined;
  strategy?: StrategyHost | undefined;
}

export interface GraphqlHost extends ModuleHost {
  readonly settings: GraphqlSettings;
  /** The schema's ports, bound to this process's hosts. */
  readonly ports: GraphqlServices;
}

export function createGraphqlHost(deps: GraphqlHostDeps): GraphqlHost {
  const { identity, market } = deps;
  const live = deps.strategy?.live?.routeOptions;
  const repository = deps.strategy?.repository;
  const ports: GraphqlServices = {
    auth: identity.auth,
    apiKeys: (request) => identity.identity.listApiKeys(principalOf(request)),
    strategies: repository && {
      list: (userId) => repository.listStrategies(userId),
      versionsOf: (userId, ids) => repository.listVersionsOf(userId, ids),
    },
    portfolios: live && {
      ownerOf: live.ownerOf,
      portfoliosOf: live.portfoliosOf,
      summary: (id) => ({
        id,
        cash: live.books.cash(id),
        equity: live.books.equity(id),
        dayStartEquity: live.books.dayStartEquity(id),
      }),
      positions: (id) => live.books.positions(id),
    },
    market: market && {
      symbols() {
        const seen = new Set(market.symbols);
        for (const symbol of market.view.latest.snapshot().tickers.keys()) seen.add(symbol);
        return [...seen].sort();
      },
      async ticker(symbol) {
        const ticker = await market.view.ticker(symbol);
        if (!ticker && !market.symbols.includes(symbol))
          // Market's own code, as its ticker route answers it.
          throw new TicklineError('MARKET_SYMBOL_NOT_FOUND', `no market ${symbol}`, { details: { symbol } });
        const stats = ticker?.stats24h;
        return {
          symbol,
          last: ticker ? { ...ticker.lastTrade } : null,
          stats24h: stats ? { ...stats } : null,
        };
      },
    },
  };
  return { services: [], settings: deps.settings, ports };
}
