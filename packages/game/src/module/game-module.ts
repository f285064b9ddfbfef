/**
 * @module Game as a domain module: the `game` config section, the host (zones and their
 * transports where the role runs zones, the coordinator on a gateway sharing zones through Redis),
 * `POST /api/v1/game/join` and `GET /api/v1/game/zones`, and the WebSocket transport on the HTTP
 * server wherever zones run.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { gameConfig, GAME_MIGRATIONS_DIR } from '../config.ts';
import { createGameHost, type GameHost, type GameHostDeps } from './game-host.ts';
import { gameRoutes } from './game-routes.ts';

export const gameModule: DomainModule<
  typeof gameConfig.key,
  typeof gameConfig.schema,
  GameHostDeps,
  GameHost,
  FastifyPluginAsync
> = {
  name: 'game',
  config: gameConfig,
  migrations: GAME_MIGRATIONS_DIR,
  after: ['identity', 'realtime'],
  createHost: createGameHost,
  routes: (host) =>
    host.coordinator && host.auth
      ? gameRoutes({
          auth: host.auth,
          coordinator: host.coordinator,
          ...(host.settings.advertiseHost === undefined
            ? {}
            : { advertiseHost: host.settings.advertiseHost }),
        })
      : undefined,
  // The game WebSocket shares the HTTP port on every role that runs zones, gateway or not.
  sockets: (host) =>
    host.zones
      ? async function gameSockets(app) {
          host.attachHttp(app);
        }
      : undefined,
};
