/**
 * @module Rooms on demand over HTTP: `POST /game/rooms` makes a room of a game type (public, or
 * private with a join code) and hands the creator a ticket to join it; `GET /game/rooms?game=`
 * lists the public rooms; `POST /game/rooms/join` hands a ticket to join a room by id, by code, or
 * by game type (matchmaking). A ticket is a single-use join token of the rooms scope and the
 * process's addresses; the room join message on the game connection says what to join.
 */
import type { RequestAuth } from '@tickline/kernel';
import {
  ApiKeyScope,
  CreatedRoomSchema,
  GameCloseCode as CloseCode,
  GameRoomListSchema,
  RoomTicketSchema,
} from '@tickline/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { JoinTokens } from '../coordinator/join-token.ts';
import { GameSessionError } from '../protocol/session-error.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { RoomRunner } from '../rooms/room-runner.ts';
import { ROOM_TOKEN_SCOPE } from '../rooms/room-sessions.ts';
import { resolveAddress } from './resolve-address.ts';

const GameName = z.string().min(1).max(32);

const CreateBody = z.strictObject({
  game: GameName.describe('The game type: a built-in (arena, connect-four) or one of game.games.'),
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

/** What the room routes need of the game host. */
export interface RoomRoutesOptions {
  auth: RequestAuth<FastifyRequest>;
  rooms: RoomRegistry;
  tokens: JoinTokens;
  /** The process's game transports (a ws path, a tcp address with the host placeholder). */
  addresses: () => { tcp: string | null; ws: string | null };
  advertiseHost?: string;
}

function describeRoom(runner: RoomRunner) {
  return {
    room: runner.roomId,
    game: runner.game.name,
    players: runner.players.length,
    minPlayers: runner.game.players.min,
    maxPlayers: runner.game.players.max,
    private: runner.code !== undefined,
    createdAt: new Date(runner.createdAt).toISOString(),
  };
}

export function registerRoomRoutes(app: Parameters<FastifyPluginAsync>[0], options: RoomRoutesOptions): void {
  const auth = (request: FastifyRequest) => options.auth.authenticate(request);
  const ticket = (request: FastifyRequest) => {
    const { userId, sessionVersion } = options.auth.caller(request);
    const { token, expiresAt } = options.tokens.issue(userId, ROOM_TOKEN_SCOPE, sessionVersion);
    const { tcp, ws } = options.addresses();
    return {
      token,
      tcp: resolveAddress(tcp, request, options.advertiseHost),
      ws: resolveAddress(ws, request, options.advertiseHost),
      expiresAt: new Date(expiresAt).toISOString(),
    };
  };
  /** A banned player gets no ticket (the game connection would refuse it anyway). */
  const refuseBanned = (userId: string) => {
    const until = options.rooms.bannedUntil(userId);
    if (until !== undefined)
      throw new GameSessionError(CloseCode.Banned, `banned from rooms until ${new Date(until).toISOString()}`);
  };
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
      const { userId } = options.auth.caller(request);
      refuseBanned(userId);
      const runner = options.rooms.create(body.game, { private: body.private, createdBy: userId });
      reply.status(201);
      return { ...ticket(request), room: describeRoom(runner), code: runner.code ?? null };
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
      return { rooms: options.rooms.list(query.game).map(describeRoom) };
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
      refuseBanned(options.auth.caller(request).userId);
      const found = body.room !== undefined ? options.rooms.get(body.room) : body.code !== undefined ? options.rooms.byCode(body.code) : undefined;
      if ((body.room !== undefined || body.code !== undefined) && (!found || (body.room !== undefined && found.code !== undefined)))
        throw new GameSessionError(CloseCode.RoomUnknown, 'no such room here (a private room is joined by its code)');
      if (body.game !== undefined && !options.rooms.game(body.game))
        throw new GameSessionError(CloseCode.RoomUnknown, `no game ${body.game} is loaded here`);
      reply.status(201);
      return ticket(request);
    },
  );
}
