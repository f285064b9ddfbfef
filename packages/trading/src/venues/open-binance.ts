/**
 * @module Opening a portfolio bound to Binance spot: its sealed key opened with the process's
 * credential box (kept in memory only while the adapter lives), the adapter made with it, and an
 * order desk over the shared journal that emits through the same path as paper's (events with the
 * venue's source, the portfolio's fill booked, the runner told).
 */
import type { Clock, Logger, Registry, SecretBox } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { BINANCE_SPOT_VENUE, createBinanceSpotBroker } from '../broker/binance/binance-spot-broker.ts';
import type { BinanceSpotConfig } from '../broker/binance/config.ts';
import { openVenueCredentials } from '../broker/credentials.ts';
import { BrokerError } from '../broker/errors.ts';
import { OrderDesk, type OrderDeskOptions, type PortfolioRiskView } from '../broker/order-desk.ts';
import { SqlOrderJournal } from '../broker/sql/sql-order-journal.ts';
import type { OrderRateLimiter } from '../risk/order-rate-limiter.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import { BinancePortfolio } from './binance-portfolio.ts';
import type { VenueBindings } from './venue-bindings.ts';

/** What opening a bound portfolio takes (the live host's parts and the venue config). */
export interface OpenBinanceDeps {
  sql: Sql;
  bindings: VenueBindings;
  box: SecretBox;
  config: BinanceSpotConfig;
  clock: Clock;
  /** This runner process's member name, written on the orders it claims. */
  holder: string;
  portfolios: PortfolioRiskView;
  orderRate: OrderRateLimiter;
  /** Stamps and emits the lifecycle events of `venue`'s orders (the live host's path). */
  emitFor: (venue: string) => Pick<OrderDeskOptions, 'envelope' | 'emit'>;
  metrics?: Registry | undefined;
  /** Test seam: the adapter's HTTP client. @default globalThis.fetch */
  fetch?: typeof fetch;
  logger: Logger;
  reconciler?: Reconciler | undefined;
}

/**
 * Opens `portfolioId`'s Binance side.
 * @throws BrokerError `STRATEGY_BROKER_LIVE_DISABLED` when the venue is off in the config, and
 *   when the portfolio has no stored key (it is not bound).
 */
export async function openBinancePortfolio(
  deps: OpenBinanceDeps,
  portfolioId: string,
): Promise<BinancePortfolio> {
  if (!deps.config.enabled)
    throw new BrokerError(
      'STRATEGY_BROKER_LIVE_DISABLED',
      'live trading on Binance spot is off (trading.venues.binance.enabled)',
      { details: { portfolioId } },
    );
  const sealed = await deps.bindings.credentials(portfolioId, BINANCE_SPOT_VENUE);
  if (sealed === undefined)
    throw new BrokerError('STRATEGY_BROKER_LIVE_DISABLED', 'the portfolio holds no Binance key', {
      details: { portfolioId },
    });
  const credentials = openVenueCredentials(deps.box, portfolioId, sealed);
  const broker = createBinanceSpotBroker({
    portfolioId,
    credentials,
    config: deps.config,
    clock: deps.clock,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const journal = new SqlOrderJournal(deps.sql, BINANCE_SPOT_VENUE, { holder: deps.holder });
  const desk = new OrderDesk({
    broker,
    journal,
    portfolios: deps.portfolios,
    clock: deps.clock,
    orderRate: deps.orderRate,
    ...deps.emitFor(BINANCE_SPOT_VENUE),
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
  });
  return new BinancePortfolio({
    portfolioId,
    broker,
    desk,
    journal,
    credentials,
    config: deps.config,
    logger: deps.logger,
    reconciler: deps.reconciler,
  });
}
