/**
 * @module Live venues inside the live composition: the bindings in SQL, what the live host needs to
 * route bound portfolios (the credential box, the venue config, which streams this process
 * follows), and — once the host exists — the beat that keeps streams where they belong and the
 * actions the venue routes call.
 */
import {
  createBeatService,
  type Clock,
  type Logger,
  type SecretBox,
  type Service,
  ServiceStatus,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { VenuesConfig } from '../broker/config.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { LiveHostVenues } from '../live/live-host.ts';
import { createVenueActions, type VenueActions } from './venue-actions.ts';
import { VenueBindings } from './venue-bindings.ts';
import type { VenueDesks } from './venue-desks.ts';

/** What live venues take: their config and the box their keys are sealed with. */
export interface VenueSettings {
  config: VenuesConfig;
  box: SecretBox;
  /** Test seam: the venues' HTTP client. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Options of {@link composeVenues}. */
export interface ComposeVenuesOptions extends VenueSettings {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  /** Whether this process owns `key` among the runner members (rendezvous). */
  owns: (key: string) => boolean;
}

/** The parts of {@link composeVenues}. */
export interface ComposedVenues {
  /** For `createLiveHost({ venues })`. */
  host: LiveHostVenues;
  /** The beat and the streams' stop, and the route actions, over the host's router and journal. */
  attach(
    desks: VenueDesks,
    journal: OrderJournal,
    syncMs: number,
  ): { services: Service[]; actions: VenueActions };
}

/** See the module comment. */
export function composeVenues(o: ComposeVenuesOptions): ComposedVenues {
  const bindings = new VenueBindings(o.sql, () => o.clock.now());
  const logger = o.logger.child({ component: 'venues' });
  return {
    host: {
      bindings,
      box: o.box,
      config: o.config.binance,
      logger,
      streamsHere: (portfolioId) => o.owns(`venue:${portfolioId}`),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    },
    attach(desks, journal, syncMs) {
      const beat = createBeatService({
        name: 'trading-venues',
        intervalMs: syncMs,
        beatAtStart: true,
        beat: () => desks.refresh(),
      });
      // Streams close before the consumers and the log they feed stop.
      const streams: Service = {
        name: 'trading-venue-streams',
        async start() {},
        stop: () => desks.close(),
        health: () => ({ status: ServiceStatus.Up }),
      };
      return {
        services: [streams, beat],
        actions: createVenueActions({
          bindings,
          desks,
          journal,
          box: o.box,
          binance: o.config.binance,
          clock: o.clock,
          logger,
          ...(o.fetch ? { fetch: o.fetch } : {}),
        }),
      };
    },
  };
}
