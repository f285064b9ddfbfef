/**
 * @module Operations API, rules rooms: list by game (private ones too), inspect one's live state,
 * kick, mute or message a player, ban a player from rooms for a period, replay a window of a
 * room as one player saw it, and hand a room off to another game process. Rooms are reached on whichever game process holds them (request/reply);
 * every call but the list is audited.
 */
import {
  AdminRoomActedSchema,
  AdminRoomBanBodySchema,
  AdminRoomBannedSchema,
  AdminRoomDetailSchema,
  AdminRoomKickBodySchema,
  AdminRoomListSchema,
  AdminRoomMessageBodySchema,
  AdminRoomMuteBodySchema,
  AdminRoomMutedSchema,
  AdminRoomReplayQuerySchema,
  AdminRoomReplaySchema,
} from '@tickline/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, ADMIN_SECURITY, adminOnly } from './admin-guard.ts';
import { HandedOffSchema } from './admin-schemas.ts';
import type { AdminRoutesOptions } from './admin-stream-routes.ts';

const TAGS = ['admin'];
const RoomParamsSchema = z.object({ roomId: z.string().min(1).max(128) });
const RoomQuerySchema = z.strictObject({ game: z.string().min(1).max(32).optional().describe('Only rooms of this game') });
const HandOffInputSchema = z.strictObject({
  message: z
    .string()
    .min(1)
    .max(500)
    .default('This room is moving to another server; reconnecting.')
    .describe('What the room’s players are told before their links close'),
});

export function registerAdminRoomRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { operations } = options;
  const adminRoute = adminOnly(options.identity);
  const doc = (summary: string, description?: string) => ({
    summary,
    ...(description === undefined ? {} : { description }),
    tags: TAGS,
    security: ADMIN_SECURITY,
  });
  const roomOf = (params: unknown) => (params as z.output<typeof RoomParamsSchema>).roomId;

  app.get(
    '/admin/rooms',
    {
      ...adminRoute,
      schema: {
        ...doc('Rules rooms on every game process, by game, private ones too'),
        querystring: RoomQuerySchema,
        response: { 200: AdminRoomListSchema },
      },
    },
    async function rooms(request) {
      const { game } = request.query as z.output<typeof RoomQuerySchema>;
      return operations.rooms(game);
    },
  );
  app.get(
    '/admin/rooms/:roomId',
    {
      ...adminRoute,
      schema: {
        ...doc('A room’s live state: its game’s fields, each entity, and its seats', 'Errors: GAME_ROOM_UNKNOWN.'),
        params: RoomParamsSchema,
        response: { 200: AdminRoomDetailSchema },
      },
    },
    async function inspectRoom(request) {
      return operations.inspectRoom(actorOf(request), roomOf(request.params));
    },
  );
  app.post(
    '/admin/rooms/:roomId/kick',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Remove a player from the room: its seat is given up, its connection told why and closed (GAME_PLAYER_KICKED)',
          'Errors: GAME_ROOM_UNKNOWN, GAME_PLAYER_NOT_IN_ROOM.',
        ),
        params: RoomParamsSchema,
        body: AdminRoomKickBodySchema,
        response: { 200: AdminRoomActedSchema },
      },
    },
    async function kick(request) {
      const { playerId, reason } = request.body as z.output<typeof AdminRoomKickBodySchema>;
      return operations.kickFromRoom(actorOf(request), roomOf(request.params), playerId, reason);
    },
  );
  app.post(
    '/admin/rooms/:roomId/mute',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Mute a player: the room refuses its commands with GAME_PLAYER_MUTED until the end; it stays and sees the room',
          'The mute is a room input (applied at a tick, journaled, replayed). Errors: GAME_ROOM_UNKNOWN, GAME_PLAYER_NOT_IN_ROOM.',
        ),
        params: RoomParamsSchema,
        body: AdminRoomMuteBodySchema,
        response: { 200: AdminRoomMutedSchema },
      },
    },
    async function mute(request) {
      const { playerId, minutes } = request.body as z.output<typeof AdminRoomMuteBodySchema>;
      return operations.muteInRoom(actorOf(request), roomOf(request.params), playerId, minutes);
    },
  );
  app.post(
    '/admin/rooms/:roomId/message',
    {
      ...adminRoute,
      schema: {
        ...doc('Send one player of the room a notice', 'Errors: GAME_ROOM_UNKNOWN, GAME_PLAYER_NOT_IN_ROOM (not connected there).'),
        params: RoomParamsSchema,
        body: AdminRoomMessageBodySchema,
        response: { 200: AdminRoomActedSchema },
      },
    },
    async function message(request) {
      const { playerId, text, level } = request.body as z.output<typeof AdminRoomMessageBodySchema>;
      return operations.messageInRoom(actorOf(request), roomOf(request.params), playerId, level, text);
    },
  );
  app.post(
    '/admin/rooms/:roomId/handoff',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Move the room to another game process: final snapshot, players told GAME_ZONE_MOVED and resumed there (same seats)',
          'Waits up to 10 s for a peer to take it (`to` is null when none did yet; the first to check takes it). Needs redis.url and game.failoverAfterMs > 0. Errors: GAME_ROOM_UNKNOWN, GAME_HANDOFF_UNAVAILABLE (the embedded default, no Redis: no peer).',
        ),
        params: RoomParamsSchema,
        body: HandOffInputSchema.nullish(),
        response: { 200: HandedOffSchema },
      },
    },
    async function handOffRoom(request) {
      const { message } = HandOffInputSchema.parse(request.body ?? {});
      return operations.handOffRoom(actorOf(request), roomOf(request.params), message);
    },
  );
  app.post(
    '/admin/room-bans',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Ban a player from rules rooms for a period: removed from its room, joins refused (GAME_PLAYER_BANNED)',
          'Held in the game processes\' memory; a process that starts takes the bans of those running.',
        ),
        body: AdminRoomBanBodySchema,
        response: { 200: AdminRoomBannedSchema },
      },
    },
    async function ban(request) {
      const { playerId, minutes, reason } = request.body as z.output<typeof AdminRoomBanBodySchema>;
      return operations.banFromRooms(actorOf(request), playerId, minutes, reason);
    },
  );
  app.get(
    '/admin/rooms/:roomId/replay',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Rebuild a window of a room from its log, as one player saw it: its frames with their acks, and its rejections',
          'Each message is the exact wire message the player was sent. Errors: GAME_REPLAY_NOT_FOUND, GAME_REPLAY_TOO_LARGE, GAME_UNKNOWN_GAME, GAME_RULES_VERSION.',
        ),
        params: RoomParamsSchema,
        querystring: AdminRoomReplayQuerySchema,
        response: { 200: AdminRoomReplaySchema },
      },
    },
    async function replay(request) {
      const { player, fromTick, toTick } = request.query as z.output<typeof AdminRoomReplayQuerySchema>;
      return operations.replayRoom(actorOf(request), { roomId: roomOf(request.params), playerId: player, fromTick, toTick });
    },
  );
}
