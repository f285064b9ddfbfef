/** @module The game coordinator's API on the wire (`/api/v1/game`): the join ticket and the zone list. */
import { z } from 'zod';

export const JoinTicketSchema = z.object({
  token: z.string().describe('Send it in the hello message; valid once, until expiresAt.'),
  zone: z.string(),
  tcp: z.string().nullable().describe('`tcp://host:port` of the length-prefixed transport, or null.'),
  ws: z.string().nullable().describe('WebSocket URL of the zone, or null.'),
  expiresAt: z.iso.datetime(),
});
/** The coordinator's answer to `POST /api/v1/game/join`. */
export type JoinTicket = z.infer<typeof JoinTicketSchema>;

export const ZoneListSchema = z.object({
  zones: z.array(
    z.object({
      zone: z.string(),
      players: z.number().int(),
      capacity: z.number().int(),
      draining: z.boolean(),
    }),
  ),
});
/** `GET /api/v1/game/zones`. */
export type ZoneList = z.infer<typeof ZoneListSchema>;

export const GameRoomSchema = z.object({
  room: z.string().describe('The room id: join it with `room` in the room join message.'),
  game: z.string(),
  players: z.number().int().describe('Players in the room now.'),
  minPlayers: z.number().int(),
  maxPlayers: z.number().int(),
  private: z.boolean().describe('A private room is joinable only by its code and is never listed.'),
  createdAt: z.iso.datetime(),
});
export type GameRoom = z.infer<typeof GameRoomSchema>;

export const GameRoomListSchema = z.object({ rooms: z.array(GameRoomSchema) });
/** `GET /api/v1/game/rooms`. */
export type GameRoomList = z.infer<typeof GameRoomListSchema>;

/** A seat in a rules room: a join token and where to connect; the room join message names what to join. */
export const RoomTicketSchema = z.object({
  token: z.string().describe('Send it in the room join message; valid once, until expiresAt.'),
  tcp: z.string().nullable().describe('`tcp://host:port` of the length-prefixed transport, or null.'),
  ws: z.string().nullable().describe('WebSocket URL of the game process, or null.'),
  expiresAt: z.iso.datetime(),
});
export type RoomTicket = z.infer<typeof RoomTicketSchema>;

/** `POST /api/v1/game/rooms`: the room made and the creator's ticket to join it. */
export const CreatedRoomSchema = RoomTicketSchema.extend({
  room: GameRoomSchema,
  code: z.string().nullable().describe('A private room\'s join code (share it with the other players); null for a public room.'),
});
export type CreatedRoom = z.infer<typeof CreatedRoomSchema>;
