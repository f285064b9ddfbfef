/**
 * @module Market as a domain module: the `market` config section, the host (collector,
 * projections and jobs, the latest-value store — by role), the `/api/v1/markets` routes, and the
 * delivery of trades, candles, indicators and tickers to `market:*` channels.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { marketConfig, MARKET_MIGRATIONS_DIR } from '../config.ts';
import { marketDelivery } from './market-delivery.ts';
import { createMarketHost, type MarketHost, type MarketHostDeps } from './market-host.ts';
import { marketRoutes } from './market-routes.ts';
import { MARKET_EVENTS } from '../candles/events.ts';
import { MarketErrorCodes } from '../port/errors.ts';
import { TRADE_CODEC_URL } from '../collector/trade-packing.ts';

export const marketModule: DomainModule<
  typeof marketConfig.key,
  typeof marketConfig.schema,
  MarketHostDeps,
  MarketHost,
  FastifyPluginAsync
> = {
  name: 'market',
  events: MARKET_EVENTS,
  errors: [MarketErrorCodes],
  // Trades cross to a worker publisher as packed fields (the collector's hot loop builds no event).
  packedCodecs: [TRADE_CODEC_URL],
  config: marketConfig,
  migrations: MARKET_MIGRATIONS_DIR,
  after: ['identity', 'realtime'],
  createHost: createMarketHost,
  // The routes and the delivery where the role delivers (gateway, all) and market is enabled.
  routes: (host) =>
    host.parts.deliver && host.auth
      ? marketRoutes({
          view: host.view,
          auth: host.auth,
          symbols: host.symbols,
          corporateActions: host.corporateActions,
          now: () => host.clock.now(),
        })
      : undefined,
  channels: (host) => (host.parts.deliver ? marketDelivery(host) : undefined),
};
