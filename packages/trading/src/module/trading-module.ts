/**
 * @module The trading domain module: config section `trading`, its migrations (portfolios and
 * account snapshots, orders and venue credentials, live runs, risk controls, order-rate windows),
 * the host (live runs, the order desk, portfolios, risk), the routes under `/api/v1` and the
 * delivery of order and live-run events. It starts after identity (authentication), market (the
 * candles runs decide on) and strategy (the versions that run, the gate, the sandbox processes).
 */
import type { IdentityHost } from '@tickline/identity';
import { defineModule, type ModuleBaseDeps } from '@tickline/kernel';
import { BrokerErrorCodes } from '../broker/errors.ts';
import { ChatErrorCodes } from '../chat/chat-errors.ts';
import { chatRoutes } from '../chat/chat-routes.ts';
import { LiveErrorCodes } from '../live/errors.ts';
import { createLiveActions } from '../live-http/live-actions.ts';
import { haltRoutes } from '../live-http/halt-routes.ts';
import { liveRoutes } from '../live-http/live-routes.ts';
import { SqlHaltStore } from '../halt/halt-store.ts';
import { sqlPortfolioScopes } from '../halt/portfolio-scopes.ts';
import { TRADING_MIGRATIONS_DIR } from '../migrations-dir.ts';
import { ParityErrorCodes } from '../parity/errors.ts';
import { VenueErrorCodes } from '../venues/venue-errors.ts';
import { venueRoutes } from '../venues/venue-routes.ts';
import { tradingDeliveryFor } from './trading-delivery.ts';
import { TRADING_EVENTS } from './trading-events.ts';
import { createTradingHost, type TradingHost, type TradingHostDeps } from './trading-host.ts';
import { tradingConfig, type TradingSettings } from './trading-settings.ts';

export const tradingModule = defineModule({
  name: 'trading',
  events: TRADING_EVENTS,
  errors: [BrokerErrorCodes, ChatErrorCodes, LiveErrorCodes, ParityErrorCodes, VenueErrorCodes],
  config: tradingConfig,
  migrations: TRADING_MIGRATIONS_DIR,
  after: ['identity', 'market', 'strategy'],
  // The composition root hands over identity's host and strategy's; live runs need both.
  createHost: (
    deps: Omit<TradingHostDeps, 'identity'> & { identity: IdentityHost } & ModuleBaseDeps<TradingSettings>,
  ) => createTradingHost({ ...deps, identity: deps.identity.identity }),
  routes: (host: TradingHost) => tradingRoutes(host),
  channels: (host) => tradingDeliveryFor(host.sql),
});

/**
 * Portfolios, orders, risk and live runs, and a portfolio's venue where live venues are set up,
 * where live trading runs (nothing otherwise).
 */
export function tradingRoutes(host: TradingHost) {
  const live = host.live;
  return async function tradingRoutes(app: Parameters<typeof liveRoutes>[0]) {
    if (live === undefined) return;
    await app.register(liveRoutes, live.routeOptions);
    // Not a spread: on a gateway the options are route forwarding's inert host, whose properties a
    // spread does not copy (the gateway could not start); read through, they are there.
    await app.register(
      haltRoutes,
      Object.setPrototypeOf(
        { haltStore: new SqlHaltStore(host.sql), scopes: sqlPortfolioScopes(host.sql) },
        live.routeOptions,
      ) as Parameters<typeof haltRoutes>[1],
    );
    if (host.chat !== undefined) await app.register(chatRoutes, host.chat.routes);
    if (live.venues !== undefined)
      await app.register(venueRoutes, {
        authenticate: live.routeOptions.authenticate,
        owned: createLiveActions(live.routeOptions).owned,
        venues: live.venues,
      });
  };
}
