/**
 * @module The strategy domain module: config section `strategy`, migration 0007, the host
 * (repository, backtest queue), the routes under `/api/v1` and the delivery of backtest events
 * to the owner's `user:{id}` channel. It starts after identity (authentication) and market (the
 * candle tables it reads).
 */
import { STRATEGY_MIGRATIONS_DIR } from '../migrations-dir.ts';
import { defineModule, type ModuleBaseDeps } from '@tickline/kernel';
import { historyVenueAccounts, type MarketSettings } from '@tickline/market';
import { strategyRoutes } from '../http/strategy-routes.ts';
import type { StrategyHost } from './strategy-host.ts';
import { strategyDelivery } from './strategy-delivery.ts';
import { createStrategyHost, type StrategyHostDeps } from './strategy-host.ts';
import { installCodeKeys } from './code-keys.ts';
import type { IdentityHost } from '@tickline/identity';
import { strategyConfig, type StrategySettings } from './strategy-settings.ts';
import { StrategyErrorCodes } from '../core/errors.ts';
import { StrategyApiErrorCodes } from './strategy-api-errors.ts';
import { ResearchErrorCodes } from '../research-jobs/research-errors.ts';
import { HistoryErrorCodes } from '../history/history-errors.ts';
import { SandboxErrorCodes } from '@tickline/sandbox';
import { STRATEGY_EVENTS } from './strategy-events.ts';

export const strategyModule = defineModule({
  name: 'strategy',
  events: STRATEGY_EVENTS,
  errors: [
    StrategyErrorCodes,
    StrategyApiErrorCodes,
    ResearchErrorCodes,
    HistoryErrorCodes,
    SandboxErrorCodes,
  ],
  config: strategyConfig,
  migrations: STRATEGY_MIGRATIONS_DIR,
  after: ['identity', 'market'],
  // The composition root hands over identity's host; the queue and routes need its service.
  // The code keys first: left at the public default, an embedded install generates its own.
  createHost: async (
    deps: Omit<StrategyHostDeps, 'identity'> & {
      identity: IdentityHost;
      dataDir: string;
      config?: {
        database?: { url?: string | undefined };
        trading?: { live?: { tiers?: Record<string, { cpuMsPerCandle?: number } | undefined> } };
        market?: Pick<MarketSettings, 'sources'>;
      };
    } & ModuleBaseDeps<StrategySettings>,
  ) =>
    createStrategyHost({
      ...deps,
      identity: deps.identity.identity,
      // Trading's section of the parsed config (its defaults filled): the live CPU budget the
      // gate's verdict shows a version's forecast against (read here: trading depends on strategy).
      liveCpuBudgetMs: (tier) => deps.config?.trading?.live?.tiers?.[tier]?.cpuMsPerCandle,
      embedded: deps.config?.database?.url === undefined,
      // Share history (alpaca, kis) is read with the account of the market source of that kind.
      historyAccounts: historyVenueAccounts(deps.config?.market?.sources ?? []),
      settings: await installCodeKeys(deps.settings, {
        dataDir: deps.dataDir,
        postgres: deps.config?.database?.url !== undefined,
      }),
    }),
  routes: (host: StrategyHost) => strategyRoutes(host),
  channels: () => strategyDelivery,
});
