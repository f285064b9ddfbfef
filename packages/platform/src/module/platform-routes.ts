/**
 * @module The operations API:
 * `/api/v1/admin/{streams,dead-letters,players,zones,broadcast,rooms,room-bans,live-strategies,audit}`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { registerAdminLiveRoutes } from './admin-live-routes.ts';
import { registerAdminPlayerRoutes } from './admin-player-routes.ts';
import { registerAdminRoomRoutes } from './admin-room-routes.ts';
import { registerAdminStreamRoutes, type AdminRoutesOptions } from './admin-stream-routes.ts';
import { registerAdminZoneRoutes } from './admin-zone-routes.ts';

/** The routes as an encapsulated plugin, mounted under `/api/v1`. */
export function platformRoutes(options: AdminRoutesOptions): FastifyPluginAsync {
  return async function platformApi(app) {
    registerAdminStreamRoutes(app, options);
    registerAdminPlayerRoutes(app, options);
    registerAdminZoneRoutes(app, options);
    registerAdminRoomRoutes(app, options);
    registerAdminLiveRoutes(app, options);
  };
}
