/**
 * @module What the venue routes do: show a portfolio's venue (with the account's balances at a live
 * venue), bind it to Binance spot with a key, or put it back on paper. A bind asks the venue what
 * the key may do before anything is stored — a key that can withdraw, or cannot trade spot, is
 * refused with a stable code — then seals key and secret and stores them with the binding in one
 * transaction. A portfolio with working orders keeps its venue until they are done.
 */
import type { Clock, Logger, SecretBox } from '@tickline/kernel';
import { PortfolioVenueName, type BindVenueInput, type PortfolioVenue } from '@tickline/protocol';
import { BINANCE_SPOT_VENUE } from '../broker/binance/binance-spot-broker.ts';
import type { BinanceSpotConfig } from '../broker/binance/config.ts';
import { type KeyPermissions, readKeyPermissions } from '../broker/binance/permissions.ts';
import { sealVenueCredentials } from '../broker/credentials.ts';
import { BrokerError } from '../broker/errors.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import { ReconciliationTrigger } from '../reconcile/reconciliation-store.ts';
import type { VenueBindings, VenueBinding } from './venue-bindings.ts';
import type { VenueDesks } from './venue-desks.ts';
import { VenueError } from './venue-errors.ts';

/** Options for {@link createVenueActions}. */
export interface VenueActionsOptions {
  bindings: VenueBindings;
  desks: VenueDesks;
  journal: OrderJournal;
  box: SecretBox;
  binance: BinanceSpotConfig;
  clock: Clock;
  logger: Logger;
  /** Test seam: the HTTP client of the permission check. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export type VenueActions = ReturnType<typeof createVenueActions>;

function viewOf(binding: VenueBinding, liveVenues: PortfolioVenue['liveVenues']): PortfolioVenue {
  return {
    liveVenues,
    portfolioId: binding.portfolioId,
    venue: binding.venue === BINANCE_SPOT_VENUE ? PortfolioVenueName.BinanceSpot : PortfolioVenueName.Paper,
    ...(binding.apiKeyHint === undefined ? {} : { apiKeyHint: binding.apiKeyHint }),
    ...(binding.permissions === undefined ? {} : { permissions: binding.permissions }),
    ...(binding.boundBy === undefined ? {} : { boundBy: binding.boundBy }),
    ...(binding.boundAt === undefined ? {} : { boundAt: binding.boundAt }),
  };
}

/** The permission check's answer as a decision: the permissions, or the refusal. */
function admit(result: Awaited<ReturnType<typeof readKeyPermissions>>): KeyPermissions {
  if (result.kind === 'refused')
    throw new VenueError(
      'TRADING_VENUE_KEY_REFUSED',
      'Binance refused the key (unknown key, wrong secret or IP)',
      {
        details: { status: result.status, ...(result.code === undefined ? {} : { venueCode: result.code }) },
      },
    );
  if (result.kind === 'unavailable')
    throw new VenueError(
      'TRADING_VENUE_PERMISSIONS_UNKNOWN',
      'Binance could not be asked what the key may do',
      {
        details: {
          ...(result.status === undefined ? {} : { status: result.status }),
          ...(result.code === undefined ? {} : { venueCode: result.code }),
        },
      },
    );
  const { permissions } = result;
  if (permissions.withdrawals === true)
    throw new VenueError(
      'TRADING_VENUE_KEY_CAN_WITHDRAW',
      'this key may withdraw funds; bind a key with withdrawals off',
      {
        details: { permissions },
      },
    );
  if (!permissions.spotTrading)
    throw new VenueError('TRADING_VENUE_KEY_CANNOT_TRADE', 'this key may not trade spot', {
      details: { permissions },
    });
  return permissions;
}

export function createVenueActions(o: VenueActionsOptions) {
  const liveVenues: PortfolioVenue['liveVenues'] = o.binance.enabled ? [PortfolioVenueName.BinanceSpot] : [];
  const view = (binding: VenueBinding) => viewOf(binding, liveVenues);
  const refuseWhileWorking = async (portfolioId: string): Promise<void> => {
    const working = await o.journal.working(portfolioId);
    if (working.length > 0)
      throw new VenueError('TRADING_VENUE_ORDERS_WORKING', 'the portfolio has working orders at its venue', {
        details: { working: working.length },
      });
  };
  return {
    /** The portfolio's venue; at a live venue, the account's balances (or why there are none). */
    async get(portfolioId: string): Promise<PortfolioVenue> {
      const binding = await o.bindings.get(portfolioId);
      const shown = view(binding);
      if (binding.venue !== BINANCE_SPOT_VENUE) return shown;
      try {
        const venue = await o.desks.binance(portfolioId);
        return { ...shown, balances: await venue.broker.balances(portfolioId) };
      } catch (error) {
        const code = error instanceof BrokerError ? error.code : 'STRATEGY_BROKER_VENUE_UNAVAILABLE';
        return { ...shown, balancesError: code };
      }
    },

    /** Binds `portfolioId` (checked owned by the caller) as `body` says; `userId` is recorded. */
    async bind(userId: string, portfolioId: string, body: BindVenueInput): Promise<PortfolioVenue> {
      if (body.venue === PortfolioVenueName.Paper) return this.unbind(portfolioId);
      if (!o.binance.enabled)
        throw new BrokerError(
          'STRATEGY_BROKER_LIVE_DISABLED',
          'live trading on Binance spot is off (trading.venues.binance.enabled)',
        );
      await refuseWhileWorking(portfolioId);
      const credentials = { apiKey: body.apiKey, apiSecret: body.apiSecret };
      const permissions = admit(
        await readKeyPermissions({
          config: o.binance,
          credentials,
          clock: o.clock,
          ...(o.fetch ? { fetch: o.fetch } : {}),
        }),
      );
      const sealed = sealVenueCredentials(o.box, BINANCE_SPOT_VENUE, portfolioId, credentials);
      await o.bindings.bind(portfolioId, sealed, permissions, userId);
      // The venue reopens with the new key; its stream starts where it belongs.
      await o.desks.forget(portfolioId);
      await o.desks
        .refresh()
        .catch((error: unknown) =>
          o.logger.warn({ err: error, portfolioId }, "the bound portfolio's stream did not start yet"),
        );
      o.logger.info(
        { portfolioId, venue: BINANCE_SPOT_VENUE, apiKeyHint: sealed.apiKeyHint },
        'portfolio bound to a live venue',
      );
      return view(await o.bindings.get(portfolioId));
    },

    /** The portfolio's reconciliation reports, latest first, and whether new orders wait for one. */
    async reconciliations(portfolioId: string, limit: number) {
      return { portfolioId, ...(await o.desks.reconciliations(portfolioId, limit)) };
    },

    /** Reconciles the portfolio with its venue now (paper or live) and answers the report. */
    async reconcile(portfolioId: string) {
      const report = await o.desks.reconcile(portfolioId, ReconciliationTrigger.Request);
      if (report === undefined) throw new Error('reconciliation is not set up on this process');
      return report;
    },

    /** Back to paper; the stored key is deleted. */
    async unbind(portfolioId: string): Promise<PortfolioVenue> {
      const before = await o.bindings.get(portfolioId);
      if (before.venue !== PortfolioVenueName.Paper) {
        await refuseWhileWorking(portfolioId);
        await o.bindings.unbind(portfolioId);
        await o.desks.forget(portfolioId);
        o.logger.info({ portfolioId, venue: before.venue }, 'portfolio back on paper');
      }
      return view(await o.bindings.get(portfolioId));
    },
  };
}
