/**
 * @module Moderation and replay of rules rooms on the wire (`/api/v1/admin/rooms...`, admins
 * only): the bodies the routes take and the answers they give (the dashboard and the CLI read them).
 */
import { z } from 'zod';

const Time = z.iso.datetime().describe('RFC 3339');
const Id = z.string().min(1).max(128);
const Reason = z.string().trim().min(1).max(500);
/** A mute or ban lasts at most 30 days. */
const Minutes = z.number().int().min(0).max(43_200);

export const AdminRoomSchema = z.object({
  roomId: z.string(),
  game: z.string(),
  gameVersion: z.int(),
  players: z.int(),
  maxPlayers: z.int(),
  private: z.boolean(),
  code: z.string().nullable().describe("A private room's join code"),
  tick: z.int(),
  closed: z.boolean(),
  createdAt: Time,
});

export const AdminRoomListSchema = z.object({ rooms: z.array(AdminRoomSchema) });

export const AdminRoomDetailSchema = AdminRoomSchema.extend({
  seats: z.array(
    z.object({
      playerId: z.string(),
      joined: z.boolean().describe('The room took the player (false: on its way in)'),
      connected: z.boolean().describe('Has a connection (false: within its resume grace)'),
      mutedUntil: Time.nullable(),
    }),
  ),
  state: z.object({
    room: z.record(z.string(), z.unknown()),
    entities: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
});

export const AdminRoomKickBodySchema = z.strictObject({ playerId: Id, reason: Reason });
export const AdminRoomMuteBodySchema = z.strictObject({
  playerId: Id,
  minutes: Minutes.describe('How long its commands are refused (GAME_PLAYER_MUTED); 0 lifts the mute'),
});
export const AdminRoomMessageBodySchema = z.strictObject({
  playerId: Id,
  text: z.string().trim().min(1).max(2_000),
  level: z.enum(['info', 'warn']).default('info'),
});
export const AdminRoomBanBodySchema = z.strictObject({
  playerId: Id,
  minutes: Minutes.describe('How long joins are refused (GAME_PLAYER_BANNED); 0 lifts the ban'),
  reason: Reason,
});
export const AdminRoomReplayQuerySchema = z.strictObject({
  player: Id.describe('Whose view to rebuild'),
  fromTick: z.coerce.number().int().min(0).optional(),
  toTick: z.coerce.number().int().min(0).optional(),
});

export const AdminRoomActedSchema = z.object({ roomId: z.string(), playerId: z.string() });
export const AdminRoomMutedSchema = AdminRoomActedSchema.extend({ until: z.string().describe('RFC 3339; empty when lifted') });
export const AdminRoomBannedSchema = z.object({
  playerId: z.string(),
  until: Time.nullable(),
  removedFrom: z.array(z.string()).describe('The rooms the player was removed from'),
});

export const AdminRoomReplaySchema = z.object({
  roomId: z.string(),
  game: z.string(),
  gameVersion: z.int(),
  playerId: z.string(),
  fromTick: z.int(),
  toTick: z.int(),
  loggedThroughTick: z.int().describe("The room's last tick on the log (a live room's last second may not be there yet)"),
  messages: z.array(
    z.object({
      kind: z.enum(['frame', 'reject']),
      tick: z.int(),
      ack: z.int().optional(),
      seq: z.int().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      frame: z.string().optional().describe('The delta frame (base64 MessagePack)'),
      bytes: z.string().describe('The whole wire message (base64), as the player received it'),
    }),
  ),
});

export type AdminRoom = z.infer<typeof AdminRoomSchema>;
export type AdminRoomDetail = z.infer<typeof AdminRoomDetailSchema>;
export type AdminRoomReplay = z.infer<typeof AdminRoomReplaySchema>;
