/**
 * @module Game as a domain module: the `game` config section, the host (zones and their
 * transports where the role runs zones, the coordinator on a gateway sharing zones through Redis),
 * `POST /api/v1/game/join` and `GET /api/v1/game/zones`, the rooms on demand (`/api/v1/game/rooms`)
 * where rooms run, and the WebSocket transport on the HTTP
 * server wherever zones run.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { gameConfig, GAME_MIGRATIONS_DIR } from '../config.ts';
import { createGameHost, type GameHost, type GameHostDeps } from './game-host.ts';
import { gameRoutes } from './game-routes.ts';
import { GameProtocolErrorCodes, GameSessionErrorCodes } from '@tickline/protocol';
import { GameSnapshotErrorCodes } from '../snapshots/snapshot-errors.ts';
import { GameErrorCodes } from '../zone/errors.ts';
import { GameEvents } from '../zone/events.ts';
import { BUILT_IN_GAME_EVENTS } from '../games/load-games.ts';
import { RoomOpened, RoomTicks } from '../rooms/room-journal.ts';

export const gameModule: DomainModule<
  typeof gameConfig.key,
  typeof gameConfig.schema,
  GameHostDeps,
  GameHost,
  FastifyPluginAsync
> = {
  name: 'game',
  events: [...GameEvents, ...BUILT_IN_GAME_EVENTS, RoomOpened, RoomTicks],
  // The wire protocol's catalogues live in @tickline/protocol (the SDK reads them); game serves them.
  errors: [GameErrorCodes, GameSnapshotErrorCodes, GameProtocolErrorCodes, GameSessionErrorCodes],
  config: gameConfig,
  migrations: GAME_MIGRATIONS_DIR,
  after: ['identity', 'realtime'],
  createHost: createGameHost,
  routes: (host) =>
    host.coordinator && host.auth
      ? gameRoutes({
          auth: host.auth,
          coordinator: host.coordinator,
          rooms: host.roomDesk && { desk: host.roomDesk },
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
