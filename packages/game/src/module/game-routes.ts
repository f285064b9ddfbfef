/**
 * @module `POST /game/join`: an authenticated user gets a zone (the one asked for, or the least
 * loaded with room), its TCP and WebSocket addresses, and a short-lived single-use join token to
 * say hello with. `GET /game/zones` lists the zones and their load.
 */
import type { RequestAuth } from '@tickline/kernel';
import { JoinTicketSchema, ZoneListSchema, ApiKeyScope } from '@tickline/protocol';
import type { ZoneCoordinator } from '../coordinator/zone-coordinator.ts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { resolveAddress } from './resolve-address.ts';
import { registerRoomRoutes, type RoomRoutesOptions } from './room-routes.ts';

const JoinBody = z
  .strictObject({
    zone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('A zone id; absent: the least loaded zone with room.'),
  })
  .prefault({});

/** Options for {@link gameRoutes}. */
export interface GameRoutesOptions {
  /** Identity's request authentication. */
  auth: RequestAuth<FastifyRequest>;
  coordinator: ZoneCoordinator;
  /** Host name clients connect to; absent: the request's host. */
  advertiseHost?: string;
  /** Rules rooms on demand, where this process runs them. */
  rooms?: Omit<RoomRoutesOptions, 'auth' | 'advertiseHost'> | undefined;
}


/** The routes as an encapsulated plugin, mounted under `/api/v1`. */
export function gameRoutes(options: GameRoutesOptions): FastifyPluginAsync {
  return async function game(app) {
    registerGameRoutes(app, options);
  };
}

function registerGameRoutes(app: Parameters<FastifyPluginAsync>[0], options: GameRoutesOptions): void {
  const auth = (request: FastifyRequest) => options.auth.authenticate(request);
  if (options.rooms)
    registerRoomRoutes(app, {
      ...options.rooms,
      auth: options.auth,
      ...(options.advertiseHost !== undefined && { advertiseHost: options.advertiseHost }),
    });
  app.post(
    '/game/join',
    {
      config: { scope: ApiKeyScope.GamePlay },
      preHandler: auth,
      schema: {
        summary: 'Join a game zone: its addresses and a single-use join token',
        description:
          'Connect to `ws` (binary frames) or `tcp` (4-byte length prefix) and send hello with the token before it expires. Errors: GAME_ZONE_UNKNOWN, GAME_ZONE_DRAINING, GAME_NO_ZONE_AVAILABLE.',
        tags: ['game'],
        security: [{ bearer: [] }, { apiKey: [] }],
        body: JoinBody,
        response: { 201: JoinTicketSchema },
      },
    },
    async function joinGame(request, reply) {
      const { userId, sessionVersion } = options.auth.caller(request);
      const body = JoinBody.parse(request.body ?? {});
      const ticket = options.coordinator.join(userId, body.zone, sessionVersion);
      reply.status(201);
      return {
        token: ticket.token,
        zone: ticket.zone,
        tcp: resolveAddress(ticket.tcp, request, options.advertiseHost),
        ws: resolveAddress(ticket.ws, request, options.advertiseHost),
        expiresAt: new Date(ticket.expiresAt).toISOString(),
      };
    },
  );
  app.get(
    '/game/zones',
    {
      config: { scope: ApiKeyScope.GamePlay },
      preHandler: auth,
      schema: {
        summary: 'The game zones and their load',
        tags: ['game'],
        security: [{ bearer: [] }, { apiKey: [] }],
        response: { 200: ZoneListSchema },
      },
    },
    async function listZones() {
      return {
        zones: options.coordinator.list().map((z) => ({
          zone: z.zoneId,
          players: z.players,
          capacity: z.capacity,
          draining: z.draining,
        })),
      };
    },
  );
}
