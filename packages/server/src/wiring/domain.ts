/**
 * @module The domain components of a role (see `componentsFor` in roles.ts), wired once: the
 * database, identity, the rate limiter, real-time delivery, the account-snapshots consumer with its
 * outbox, and the realtime-delivery consumer; plus the `/api/v1` routes on a gateway. `tickline start` passes
 * the result to `startProcess`.
 */
import { AccountCreated } from '@tickline/identity';
import { type Service } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { ACCOUNT_SNAPSHOTS_CONSUMER, createSnapshotHandler } from '../accounts/snapshot-consumer.ts';
import { createSnapshotOutbox } from '../accounts/snapshot-outbox.ts';
import { registerApiRoutes } from '../api/api-routes.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { createAdminGameFeed } from '../game/admin-game-feed.ts';
import { createGameComponent, type GameComponent } from '../game/game-component.ts';
import { createGameCoordinatorComponent, type GameCoordinatorComponent } from '../game/game-coordinator.ts';
import { createMarketComponent, type MarketComponent } from '../market/market-component.ts';
import { gameZoneOperations } from '../platform/game-zone-operations.ts';
import { createOpsFeed } from '../platform/ops-feed.ts';
import { registerPlatformApi } from '../platform/platform-api.ts';
import { createPlatformComponent, type PlatformComponent } from '../platform/platform-component.ts';
import type { SharedServices } from '../process/runtime.ts';
import { componentsFor, DomainComponent } from '../roles.ts';
import { createConsumerService } from './consumer.ts';
import { onlyTypes } from './only-types.ts';
import { createProcessEventRegistry } from './event-registry.ts';
import { createIdentityComponent, type IdentityComponent } from './identity-component.ts';
import { createRateLimitComponent, type RateLimitComponent } from './rate-limit-component.ts';
import { createRealtimeComponent, type RealtimeComponent } from './realtime-component.ts';
import { createRealtimeDeliveryHandler, REALTIME_DELIVERY_CONSUMER } from './realtime-delivery.ts';
import { createSqlService, type SqlService } from './sql-service.ts';
import { registerWebApp } from '../web/web-plugin.ts';

/** What `startProcess` takes to run a role's domain. */
export interface DomainWiring {
  components: (shared: SharedServices) => Service[];
  configureHttp: (app: FastifyInstance) => Promise<void>;
}

/** Builds the wiring of `config.role`. */
export function createDomainWiring(config: ResolvedConfig): DomainWiring {
  const wanted = new Set(componentsFor(config.role));
  let sqlService: SqlService | undefined;
  let identity: IdentityComponent | undefined;
  let rateLimit: RateLimitComponent | undefined;
  let realtime: RealtimeComponent | undefined;
  let game: GameComponent | undefined;
  let gameCoordinator: GameCoordinatorComponent | undefined;
  let market: MarketComponent | undefined;
  let platform: PlatformComponent | undefined;

  function components(shared: SharedServices): Service[] {
    if (wanted.size === 0) return [];
    const { metrics } = shared;
    const publisherService = shared.publisher;
    if (!publisherService) throw new Error(`role ${config.role} has domain components but no publisher`);
    const publisher = () => publisherService.instance;
    const registry = createProcessEventRegistry();
    const database = createSqlService(config, metrics);
    const sql = () => database.sql;
    const list: Service[] = [database];
    sqlService = database;
    if (wanted.has(DomainComponent.Identity)) {
      identity = createIdentityComponent({ config, metrics, sql, publisher });
      list.push(identity);
    }
    if (wanted.has(DomainComponent.RateLimit) && identity) {
      rateLimit = createRateLimitComponent({ config, metrics, identity });
      list.push(rateLimit);
    }
    if (wanted.has(DomainComponent.Realtime) && identity) {
      realtime = createRealtimeComponent({ config, metrics, identity });
      list.push(realtime);
    }
    if (wanted.has(DomainComponent.AccountSnapshots)) {
      const outbox = createSnapshotOutbox({ sql, publisher });
      // Only account.created: every other event would be claimed in processed_events for nothing.
      const handle = onlyTypes([AccountCreated.type], createSnapshotHandler({ sql, outbox }));
      list.push(
        outbox,
        createConsumerService(shared, { name: ACCOUNT_SNAPSHOTS_CONSUMER, registry, handle }),
      );
    }
    if (wanted.has(DomainComponent.RealtimeDelivery) && realtime) {
      const hub = () => realtime!.hub;
      list.push(
        createConsumerService(shared, {
          name: REALTIME_DELIVERY_CONSUMER,
          start: { from: 'latest' },
          // Every gateway holds this durable; each event goes to one, the bridge fans it out.
          shared: true,
          registry,
          handle: createRealtimeDeliveryHandler(hub),
        }),
      );
    }
    if (wanted.has(DomainComponent.Market) && config.market.enabled) {
      const started = realtime;
      market = createMarketComponent({
        config,
        shared,
        sql,
        publisher,
        registry,
        hub: started ? () => started.hub : undefined,
      });
      list.push(...market.services);
    }
    if (wanted.has(DomainComponent.Game) && config.game.enabled) {
      game = createGameComponent({ config, metrics, publisher, log: () => shared.eventLog.log, sql });
      list.push(game);
      // Live zone figures for admins watching admin:game where zones and a hub share the process.
      const [running, hubOwner] = [game, realtime];
      if (hubOwner)
        list.push(
          createAdminGameFeed({
            hub: () => hubOwner.hub,
            game: () => ({ runners: running.runners, recoveries: () => running.persistence.recoveries() }),
            metrics,
          }),
        );
    }
    // A gateway without zones sends players to the zone processes that share their zones in Redis.
    if (!game && identity && config.game.enabled && config.redis.url) {
      gameCoordinator = createGameCoordinatorComponent(config);
      list.push(gameCoordinator);
    }
    if (wanted.has(DomainComponent.Platform)) {
      // Zone operations reach the zones of this process (roles all and game+platform in one).
      const running = game;
      const zones =
        running &&
        gameZoneOperations({
          runners: () => running.runners,
          admin: () => running.persistence.admin,
          restart: (zoneId) => running.restartZone(zoneId),
        });
      platform = createPlatformComponent({
        settings: config.platform,
        shared,
        sql,
        registry,
        ...(zones ? { zones: () => zones } : {}),
      });
      list.push(...platform.services);
      // Live zone and stream figures for admins watching admin:* channels on this gateway.
      const hubOwner = realtime;
      if (hubOwner) list.push(createOpsFeed({ hub: () => hubOwner.hub, operations: platform.operations }));
    }
    return list;
  }

  async function configureHttp(app: FastifyInstance): Promise<void> {
    // The operations API: on platform processes too, which serve no other /api/v1 routes.
    if (platform && identity) {
      await registerPlatformApi(app, {
        identity: identity.identity,
        operations: platform.operations,
        limiter: rateLimit?.limiter,
      });
    }
    // The game WebSocket shares the HTTP port on every role that runs zones, gateway or not.
    game?.attachHttp(app);
    if (!sqlService || !identity || !realtime) return;
    const started = { sql: sqlService, identity, realtime };
    const joins = game ?? gameCoordinator;
    await registerApiRoutes(app, {
      identity: started.identity.identity,
      sql: () => started.sql.sql,
      tickets: () => started.realtime.tickets,
      ticketTtlMs: config.auth.streamTicketTtlMs,
      gateway: started.realtime.gateway,
      limiter: rateLimit?.limiter,
      ...(joins
        ? {
            game: {
              identity: started.identity.identity,
              coordinator: () => joins.coordinator,
              ...(config.game.advertiseHost === undefined
                ? {}
                : { advertiseHost: config.game.advertiseHost }),
            },
          }
        : {}),
      ...(market
        ? {
            market: {
              view: market.view,
              identity: started.identity.identity,
              symbols: config.market.symbols,
            },
          }
        : {}),
    });
    // The dashboard on the same port; its wildcard route yields to every route above.
    await registerWebApp(app);
  }

  return { components, configureHttp };
}
