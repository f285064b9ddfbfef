/**
 * @module The strategy domain module: config section `strategy`, migration 0007, the host
 * (repository, backtest queue), the routes under `/api/v1` and the delivery of backtest events
 * to the owner's `user:{id}` channel. It starts after identity (authentication) and market (the
 * candle tables it reads).
 */
import { STRATEGY_MIGRATIONS_DIR } from '../migrations-dir.ts';
import { defineModule, type ModuleBaseDeps } from '@tickline/kernel';
import { strategyRoutes } from '../http/strategy-routes.ts';
import { liveRoutes } from '../live-http/live-routes.ts';
import type { StrategyHost } from './strategy-host.ts';
import { strategyDeliveryFor } from './strategy-delivery.ts';
import { createStrategyHost, type StrategyHostDeps } from './strategy-host.ts';
import { installCodeKeys } from './code-keys.ts';
import type { IdentityHost } from '@tickline/identity';
import { strategyConfig, type StrategySettings } from './strategy-settings.ts';
import { OrderEvents } from '../broker/events.ts';
import { BrokerErrorCodes } from '../broker/errors.ts';
import { StrategyErrorCodes } from '../core/errors.ts';
import { LiveErrorCodes } from '../live/errors.ts';
import { ParityErrorCodes } from '../parity/errors.ts';
import { StrategyApiErrorCodes } from './strategy-api-errors.ts';
import { ResearchErrorCodes } from '../research-jobs/research-errors.ts';
import { HistoryErrorCodes } from '../history/history-errors.ts';
import { SandboxErrorCodes } from '@tickline/sandbox';
import { STRATEGY_EVENTS } from './strategy-events.ts';

export const strategyModule = defineModule({
  name: 'strategy',
  events: [...STRATEGY_EVENTS, ...OrderEvents],
  errors: [
    StrategyErrorCodes,
    StrategyApiErrorCodes,
    BrokerErrorCodes,
    LiveErrorCodes,
    ParityErrorCodes,
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
      config?: StrategyHostDeps['config'] & { database?: { url?: string | undefined } };
    } & ModuleBaseDeps<StrategySettings>,
  ) =>
    createStrategyHost({
      ...deps,
      identity: deps.identity.identity,
      settings: await installCodeKeys(deps.settings, {
        dataDir: deps.dataDir,
        postgres: deps.config?.database?.url !== undefined,
      }),
    }),
  routes: (host) => strategyModuleRoutes(host),
  channels: (host) => strategyDeliveryFor(host.sql),
});

/** Strategies and backtests, and — where live trading runs — portfolios, orders and live runs. */
export function strategyModuleRoutes(host: StrategyHost) {
  const strategies = strategyRoutes(host);
  return async function strategyModuleRoutes(app: Parameters<typeof strategies>[0]) {
    await app.register(strategies);
    if (host.live !== undefined) await app.register(liveRoutes, host.live.routeOptions);
  };
}
