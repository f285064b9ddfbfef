/**
 * @module Rooms on demand over HTTP: `POST /game/rooms` makes a room of a game type (public, or
 * private with a join code) and hands the creator a ticket to join it; `GET /game/rooms?game=`
 * lists the public rooms; `POST /game/rooms/join` hands a ticket to join a room by id, by code, or
 * by game type (matchmaking). A ticket is a single-use join token of the rooms scope and the
 * process's addresses; the room join message on the game connection says what to join.
 */
import type { RequestAuth } from '@tickline/kernel';
import { ApiKeyScope, CreatedRoomSchema, GameRoomListSchema, RoomTicketSchema, type RoomTicket } from '@tickline/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RoomDesk } from './room-desk.ts';
import { resolveAddress } from './resolve-address.ts';

const GameName = z.string().min(1).max(32);

const CreateBody = z.strictObject({
  game: GameName.describe('The game type: a built-in (arena, connect-four, tag) or one of game.games.'),
  private: z.boolean().default(false).describe('Joinable only by the code in the answer, and never listed.'),
});

const ListQuery = z.strictObject({
  game: GameName.optional().describe('Only rooms of this game.'),
});

const JoinBody = z
  .strictObject({
    room: z.string().min(1).max(64).optional().describe('A room id.'),
    code: z.string().min(1).max(16).optional().describe("A private room's code."),
    game: GameName.optional().describe('A game type: an open room of it, or a new one once enough players wait.'),
  })
  .refine((b) => [b.room, b.code, b.game].filter((v) => v !== undefined).length === 1, {
    message: 'name exactly one of room, code and game',
  });

/** What the room routes need: the caller's identity and a desk (local rooms, or game processes'). */
export interface RoomRoutesOptions {
  auth: RequestAuth<FastifyRequest>;
  desk: RoomDesk;
  advertiseHost?: string;
}

export function registerRoomRoutes(app: Parameters<FastifyPluginAsync>[0], options: RoomRoutesOptions): void {
  const auth = (request: FastifyRequest) => options.auth.authenticate(request);
  /** The ticket's addresses as this caller reaches them (a bare path is on the request's host). */
  const resolved = (request: FastifyRequest, t: RoomTicket): RoomTicket => ({
    ...t,
    tcp: resolveAddress(t.tcp, request, options.advertiseHost),
    ws: resolveAddress(t.ws, request, options.advertiseHost),
  });
  const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
  app.post(
    '/game/rooms',
    {
      config: { scope: ApiKeyScope.GamePlay },
      preHandler: auth,
      schema: {
        summary: 'Create a room of a game type, and a ticket to join it',
        description:
          'Connect to `ws` or `tcp` and send a room join with the token and the room id (or the code of a private room). A room nobody joins is disposed of after game.rooms.emptyGraceMs. Errors: GAME_UNKNOWN_GAME, GAME_ROOM_RATE_LIMITED (game.rooms.createsPerMinute per user), GAME_ROOM_LIMIT (game.rooms.maxPerProcess).',
        tags: ['game'],
        security,
        body: CreateBody,
        response: { 201: CreatedRoomSchema },
      },
    },
    async function createRoom(request, reply) {
      const body = CreateBody.parse(request.body ?? {});
      const { userId, sessionVersion } = options.auth.caller(request);
      const made = await options.desk.create({ userId, sessionVersion }, body.game, body.private);
      reply.status(201);
      return { ...resolved(request, made.ticket), room: made.room, code: made.code };
    },
  );
  app.get(
    '/game/rooms',
    {
      config: { scope: ApiKeyScope.GamePlay },
      preHandler: auth,
      schema: {
        summary: 'The public rooms of this game process, by game',
        tags: ['game'],
        security,
        querystring: ListQuery,
        response: { 200: GameRoomListSchema },
      },
    },
    async function listRooms(request) {
      const query = ListQuery.parse(request.query ?? {});
      return { rooms: await options.desk.list(query.game) };
    },
  );
  app.post(
    '/game/rooms/join',
    {
      config: { scope: ApiKeyScope.GamePlay },
      preHandler: auth,
      schema: {
        summary: 'A ticket to join a room by id, by private code, or by game type',
        description:
          'Send the same room, code or game in the room join message. By game type the player fills an open room of the game or waits until the game\'s minimum of players is there. Errors: GAME_ROOM_UNKNOWN, GAME_UNKNOWN_GAME.',
        tags: ['game'],
        security,
        body: JoinBody,
        response: { 201: RoomTicketSchema },
      },
    },
    async function roomTicket(request, reply) {
      const body = JoinBody.parse(request.body ?? {});
      const { userId, sessionVersion } = options.auth.caller(request);
      const t = await options.desk.ticket({ userId, sessionVersion }, body);
      reply.status(201);
      return resolved(request, t);
    },
  );
}
